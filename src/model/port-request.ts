import type { PortProtocol } from "./types.js";

/** A port the service receives from the host side: `47808/udp`, `502`, or `57808:47808/udp`. */
export interface PortRequest {
  target: number;
  /** The port to publish to the cluster; chosen by the strategy when absent. */
  published: number | undefined;
  protocol: PortProtocol;
}
