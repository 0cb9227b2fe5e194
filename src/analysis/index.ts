import type { ServiceModel, StackModel } from "../model/types.js";
import type { PortRequest } from "../model/port-request.js";
import { hostPortsOf } from "./host-ports.js";
import { lanUseOf } from "./lan-use.js";
import { namesOf, referencesOf } from "./references.js";
import { reverseProxiesOf } from "./reverse-proxy.js";
import type { OverlayPeer, Reference, ServiceAnalysis } from "./types.js";

export type * from "./types.js";

/**
 * The analysis stage, between the model and the plan: per service, what the file shows it does
 * on the host side and on the overlay, each conclusion with its evidence. The names and the
 * references of the whole stack are read once, on the first service asked for.
 */
export class StackAnalysis {
  private references: Map<string, Reference[]> | undefined;

  constructor(private readonly model: StackModel) {}

  analyze(service: ServiceModel, explicit: { ports: PortRequest[]; source: string }): ServiceAnalysis {
    const { ports, source } = hostPortsOf(this.model, service, explicit);
    const all = this.allReferences();
    const reachedBy: OverlayPeer[] = reverseProxiesOf(this.model, service);
    for (const [from, refs] of all) {
      if (from === service.name) continue;
      for (const ref of refs.filter((r) => r.service === service.name)) {
        const protocol = "tcp" as const;
        reachedBy.push({ from, kind: "service", port: ref.port, protocol, evidence: ref.evidence });
      }
    }
    return {
      service: service.name,
      file: this.model.file,
      hostPorts: ports,
      hostPortsSource: source,
      lan: lanUseOf(this.model, service, ports),
      reachedBy,
      reaches: all.get(service.name) ?? [],
    };
  }

  private allReferences(): Map<string, Reference[]> {
    if (this.references) return this.references;
    const names = namesOf(this.model);
    this.references = new Map(this.model.services.map((s) => [s.name, referencesOf(this.model, s, names)]));
    return this.references;
  }
}
