import { loadModel } from "../../src/model/load.js";
import { hostNetworked, type StackModel } from "../../src/model/types.js";
import type { Flow, FlowVia } from "../../src/analysis/flows.js";

/**
 * The second half of "no port bound twice, every kept flow backed" (guarantee 8 in test/property.test.ts): every flow
 * the report marks kept is backed by the output — the service
 * it names is on the host network, on a network of its own, or publishes the port, as the flow says.
 * Returns the first kept flow that is not, described; undefined when all are.
 */
export function unbackedFlow(flows: Flow[], output: string, target?: "swarm" | "compose"): string | undefined {
  const model = loadModel(output, { file: "output.yml", ...(target ? { target } : {}) });
  for (const flow of flows.filter((f) => f.status === "kept")) {
    if (flow.via.length === 0) return `${flow.from} → ${flow.to}: kept, with nothing named that carries it`;
    for (const via of flow.via) {
      const problem = backing(model, via);
      if (problem) return `${flow.from} → ${flow.to}: kept, but ${problem}`;
    }
  }
  return undefined;
}

function backing(model: StackModel, via: FlowVia): string | undefined {
  const service = model.services.find((s) => s.name === via.service);
  if (!service) return `the output has no service "${via.service}"`;
  if (via.on === "host") return hostNetworked(service) ? undefined : `"${via.service}" is not on the host network`;
  if (via.on === "overlay") {
    const other = service.attachments.some((a) => a.network?.special === undefined);
    const implicitDefault = model.dialect === "compose" && service.attachments.length === 0 && !service.networkMode;
    return other || implicitDefault ? undefined : `"${via.service}" is on no network of its own`;
  }
  const published = service.ports.some((p) => p.published === via.port && p.protocol === via.protocol);
  return published ? undefined : `"${via.service}" does not publish ${via.port}/${via.protocol}`;
}
