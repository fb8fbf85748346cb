/**
 * The metadata of one version of a named data record as stored in metadata.yaml
 * (docs/architecture.md, "Datastore tree").
 */
export type OwnerType = "model-method" | "workflow-step" | "manual";

export interface OwnerDefinition {
  ownerType: OwnerType;
  ownerRef: string;
  definitionHash?: string;
  workflowId?: string;
  workflowRunId?: string;
  workflowName?: string;
  jobName?: string;
  stepName?: string;
  source?: string;
}

export interface DataTags {
  type: string;
  modelName?: string;
  specName?: string;
  [key: string]: string | undefined;
}

export interface DataMetadata {
  /** Stable across every version of one name. */
  id: string;
  name: string;
  version: number;
  contentType: string;
  lifetime: string;
  /** Keep N versions (number) or a duration string. */
  garbageCollection: number | string;
  streaming: boolean;
  tags: DataTags;
  ownerDefinition: OwnerDefinition;
  createdAt: string;
  size?: number;
  checksum?: string;
  lifecycle?: "deleted";
  renamedTo?: string;
}

/** A model's identity: its normalized type path and its definition id (docs/architecture.md, "Identities"). */
export interface ModelKey {
  /** Normalized model type, e.g. `aws/ec2/vpc`. */
  type: string;
  /** Definition UUID. */
  id: string;
}

/** A model definition as the registry resolves it: the model's identity and the definition's name. */
export interface ModelDefinition extends ModelKey {
  /** Definition name. */
  name: string;
}

/** A data name's identity: the model it belongs to and the data name (`data/{type…}/{id}/{name}/`). */
export interface DataNameKey extends ModelKey {
  /** The data name, e.g. `main`. */
  name: string;
}
