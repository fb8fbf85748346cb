import type { ModelDefinition } from "../data-record.ts";

/** Model definitions (`models/{type}/{name}.yaml` in the repo): how commands find a model's id and type. */
export interface ModelRegistry {
  /**
   * The model with this definition id, else with this name; null when there is none. With a type
   * (normalized here), only a model of that type. Without one, throws `validation_failed` when the
   * name exists under several types.
   */
  resolve(nameOrId: string, type?: string): Promise<ModelDefinition | null>;
  /** Every model with this definition id or name, whatever its type. */
  named(nameOrId: string): Promise<ModelDefinition[]>;
  /** Creates a minimal definition; when one already exists (e.g. a racing process won), returns it. */
  create(name: string, type: string): Promise<ModelDefinition>;
  /** Every definition, sorted by type then name. */
  list(): Promise<ModelDefinition[]>;
}
