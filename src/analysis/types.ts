import type { Node } from "yaml";
import type { SourcePosition } from "../errors.js";
import type { PortProtocol } from "../model/types.js";

/** Where a conclusion comes from: the key path inside the service and its position in the file. */
export interface Evidence {
  /** `ports[0]`, `environment.MQTT_URL`, `deploy.labels[2]`, `x-stackmod.ports`. */
  path: string;
  /** The text that says it, as the file gives it (after interpolation). */
  text: string;
  position: SourcePosition;
}

export type Protocol = PortProtocol;

/** A port the service receives on the host side. */
export interface HostPort {
  port: number;
  protocol: Protocol;
  /** PUBLISHED in `ports: ["PUBLISHED:TARGET"]` of the options, when given. */
  published: number | undefined;
  /** options: x-stackmod.ports / --port; ports / expose: the service's own lists (documentation under host mode). */
  source: "options" | "ports" | "expose";
  /** The last port of a range (`10000-20000/udp`), when the entry is one. */
  rangeEnd: number | undefined;
  evidence: Evidence;
}

/** Something the service does with broadcast or multicast, or a hint that it needs the host's network stack. */
export interface LanUse {
  /** receives: it listens for broadcasts on a known port; sends: it sends or joins broadcast/multicast. */
  kind: "receives" | "sends";
  /** Sent by the protocol of a known port it receives on (BACnet's Who-Is): said in the flows, not a reason to stay. */
  implied: boolean;
  /** What the evidence means: `BACnet/IP broadcasts on 47808/udp`, `cap_add NET_RAW`. */
  what: string;
  port: number | undefined;
  protocol: Protocol | undefined;
  evidence: Evidence;
}

/** A name of another service (or a network alias of one) that a service's settings refer to. */
export interface Reference {
  /** The service the name belongs to. */
  service: string;
  /** The name as written: the service name or an alias. */
  name: string;
  /** The port written with it (`broker:1883`), if any. */
  port: number | undefined;
  /** The exact text matched (`broker:1883`, `broker`). */
  text: string;
  evidence: Evidence;
  /** The scalar that holds it, for an edit; undefined when it is not written in the service itself. */
  editable: Node | undefined;
}

/** Someone on the overlay that reaches the service. */
export interface OverlayPeer {
  /** traefik / caddy (a reverse proxy routing by label), or the name of the service that refers to it. */
  from: string;
  kind: "reverse-proxy" | "service";
  port: number | undefined;
  protocol: Protocol;
  evidence: Evidence;
}

/** What the file shows a service does on each side: the input of the default choice and of the flow report. */
export interface ServiceAnalysis {
  service: string;
  /** The model's file: evidence written in another (a layered stack's) is named with its file (`evidenceAt`). */
  file: string;
  /** Ports it receives on the host, from the options, else from `ports:` and `expose:`. */
  hostPorts: HostPort[];
  /** Where hostPorts came from, for the report. */
  hostPortsSource: string;
  lan: LanUse[];
  reachedBy: OverlayPeer[];
  reaches: Reference[];
}
