import type { ModelDefinition } from "../../core/data-record.ts";
import type { NewVersion } from "../../core/ports/data-repository.ts";

export const VPC: ModelDefinition = {
  type: "aws/ec2/vpc",
  id: "6f0c2a1e-0000-4000-8000-000000000001",
  name: "vpc",
};

/** What `data put` would pass for a manual write to `VPC`; override anything. */
export function manualVersion(overrides: Partial<NewVersion> = {}): NewVersion {
  return {
    contentType: "application/json",
    lifetime: "infinite",
    garbageCollection: 10,
    streaming: false,
    tags: { type: "resource", modelName: VPC.name, specName: "state" },
    ownerDefinition: { ownerType: "manual", ownerRef: `cli:${VPC.name}` },
    ...overrides,
  };
}

export const bytes = (text: string) => new TextEncoder().encode(text);
