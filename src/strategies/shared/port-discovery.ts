import type { ServiceModel } from "../../model/types.js";

/** `deploy.labels` and `labels`, in list (`a=b`) or map form, as key/value pairs. */
export function labelEntries(service: ServiceModel): [string, string][] {
  const deploy = (service.data.deploy ?? {}) as Record<string, unknown>;
  return [deploy.labels, service.data.labels].flatMap((labels) => {
    if (Array.isArray(labels)) {
      return labels.map((item) => {
        const text = String(item);
        const eq = text.indexOf("=");
        return (eq === -1 ? [text, ""] : [text.slice(0, eq), text.slice(eq + 1)]) as [string, string];
      });
    }
    if (labels && typeof labels === "object") {
      return Object.entries(labels).map(([k, v]) => [k, String(v)] as [string, string]);
    }
    return [];
  });
}
