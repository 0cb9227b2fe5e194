import type { ServiceModel, StackModel } from "../model/types.js";
import { environmentValue, evidenceOf, scalarsUnder } from "./scan.js";
import type { HostPort, LanUse } from "./types.js";

/** Well-known UDP ports whose protocol rides on LAN broadcast or multicast. */
const lanPorts: ReadonlyMap<number, { kind: LanUse["kind"]; what: string; sends?: string }> = new Map([
  [
    47808,
    { kind: "receives", what: "BACnet/IP broadcasts (Who-Is/I-Am)", sends: "broadcast Who-Is (device discovery)" },
  ],
  [67, { kind: "receives", what: "DHCP broadcasts", sends: "broadcast DHCP replies" }],
  [68, { kind: "receives", what: "DHCP broadcasts", sends: "broadcast DHCP requests" }],
  [137, { kind: "receives", what: "NetBIOS name broadcasts", sends: "broadcast NetBIOS name queries" }],
  [138, { kind: "receives", what: "NetBIOS datagram broadcasts" }],
  [5353, { kind: "sends", what: "mDNS multicast (224.0.0.251)" }],
  [1900, { kind: "sends", what: "SSDP multicast (239.255.255.250)" }],
  [3702, { kind: "sends", what: "WS-Discovery multicast (239.255.255.250)" }],
  [3671, { kind: "sends", what: "KNXnet/IP routing multicast (224.0.23.12)" }],
]);

/** A range of more ports than this is served from the host's own stack, not published port by port. */
const wideRange = 100;

const multicastAddress = /(?<![\d.])(22[4-9]|23\d)\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])/;
const limitedBroadcast = /(?<![\d.])255\.255\.255\.255(?![\d.])/;

/** What the file shows of the service's use of broadcast, multicast and the host's network stack. */
export function lanUseOf(model: StackModel, service: ServiceModel, hostPorts: HostPort[]): LanUse[] {
  const uses: LanUse[] = [];
  for (const port of hostPorts) {
    const known = lanPorts.get(port.port);
    if (known) {
      const at = { port: port.port, protocol: "udp" as const, evidence: port.evidence };
      uses.push({ kind: known.kind, what: known.what, implied: false, ...at });
      if (known.sends) uses.push({ kind: "sends", what: known.sends, implied: true, ...at });
    }
    if (port.rangeEnd !== undefined && port.rangeEnd - port.port + 1 > wideRange) {
      uses.push({
        kind: "sends",
        implied: false,
        what: `a wide port range (${port.port}-${port.rangeEnd}/${port.protocol}), served from the host's stack`,
        port: port.port,
        protocol: port.protocol,
        evidence: port.evidence,
      });
    }
  }
  for (const at of scalarsUnder(model, service.map, "cap_add")) {
    const cap = at.value.toUpperCase().replace(/^CAP_/, "");
    if (cap === "NET_ADMIN" || cap === "NET_RAW" || cap === "ALL") {
      uses.push({
        kind: "sends",
        implied: false,
        what: `cap_add ${at.value} (raw sockets or interface configuration on the host's network)`,
        port: undefined,
        protocol: undefined,
        evidence: evidenceOf(model, at, at.value),
      });
    }
  }
  for (const key of ["environment", "command", "entrypoint"]) {
    for (const at of scalarsUnder(model, service.map, key)) {
      const value = key === "environment" ? environmentValue(at).value : at.value;
      const group = multicastAddress.exec(value)?.[0];
      const broadcast = limitedBroadcast.exec(value)?.[0];
      if (group === undefined && broadcast === undefined) continue;
      uses.push({
        kind: "sends",
        implied: false,
        what: group !== undefined ? `the multicast group ${group}` : "the broadcast address 255.255.255.255",
        port: undefined,
        protocol: undefined,
        evidence: evidenceOf(model, at, at.value),
      });
    }
  }
  return uses;
}
