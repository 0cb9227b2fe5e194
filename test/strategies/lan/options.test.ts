import { describe, expect, it } from "vitest";
import { rewrite, StackmodError } from "../../../src/index.js";
import { stackmodErrorOf } from "../../helpers/stackmod-error.js";

/** A stack file whose service asks for lan with `lan` (flow mapping text) on line 9. */
function stack(lan: string, extra = ""): string {
  return [
    'version: "3.8"',
    "services:",
    "  gw:",
    "    image: example/gw:1",
    "    networks: [hostnet, backend]",
    "    x-stackmod:",
    "      strategy: lan",
    extra,
    `      lan: ${lan}`,
    "networks:",
    "  hostnet: {external: true, name: host}",
    "  backend: {driver: overlay}",
    "",
  ].join("\n");
}

function failure(text: string, options: Record<string, unknown> = {}, target?: "compose"): StackmodError {
  return stackmodErrorOf(() => rewrite(text, { file: "stack.yml", options, ...(target ? { target } : {}) }));
}

/** 1-based column of `value` on 1-based `line`: where the error must point. */
function columnOf(text: string, line: number, value: string): number {
  const column = text.split("\n")[line - 1]!.indexOf(value);
  if (column < 0) throw new Error(`${value} is not on line ${line}`);
  return column + 1;
}

const at = (error: StackmodError) => `${error.file}:${error.line}:${error.column} ${error.code}`;

describe("lan options: each bad value is an error at the value", () => {
  it("missing parent and subnet: names both, at the lan block", () => {
    const error = failure(stack("{gateway: 10.0.0.1}"));
    expect(at(error)).toBe("stack.yml:9:12 BAD_OPTION");
    expect(error.message).toContain("`lan.parent`");
    expect(error.message).toContain("`lan.subnet`");
  });

  it("missing subnet with only --strategy lan: at the service", () => {
    const text = stack("{parent: eth0}").replace("      strategy: lan\n", "");
    const error = failure(text, { strategy: "lan" });
    expect(error.message).toContain("`lan.subnet`");
    expect(error.message).not.toContain("`lan.parent`");
    expect(error.line).toBe(8);
  });

  it.each([
    ["{parent: eth0, subnet: 192.168.50.0/33}", "192.168.50.0/33", 'invalid CIDR "192.168.50.0/33"'],
    ["{parent: eth0, subnet: 192.168.050.0/24}", "192.168.050.0/24", 'invalid CIDR "192.168.050.0/24"'],
    [
      "{parent: eth0, subnet: 192.168.50.7/24}",
      "192.168.50.7/24",
      '"192.168.50.7/24" has host bits set; the block 192.168.50.0/24',
    ],
    ["{parent: eth0, subnet: 'fd00::/64'}", "'fd00::/64'", "IPv6 is not supported"],
    ["{parent: eth0, subnet: 10.0.0.0/8, gateway: 10.0.0.256}", "10.0.0.256", 'invalid IPv4 address "10.0.0.256"'],
    ["{parent: 'eth0; reboot', subnet: 10.0.0.0/8}", "'eth0; reboot'", 'invalid interface name "eth0; reboot"'],
    [
      "{parent: averyveryverylongname, subnet: 10.0.0.0/8}",
      "averyveryverylongname",
      'invalid interface name "averyveryverylongname"',
    ],
    ["{parent: eth0, subnet: 10.0.0.0/8, network: '$(reboot)'}", "'$(reboot)'", 'invalid network name "$(reboot)"'],
    ["{parent: eth0, subnet: 10.0.0.0/8, driver: bridge}", "bridge", "allowed: macvlan, ipvlan"],
    [
      "{parent: eth0, subnet: 10.0.0.0/8, script: ../../etc/cron.d/x}",
      "../../etc/cron.d/x",
      'invalid script path "../../etc/cron.d/x"',
    ],
    ["{parent: eth0, subnet: 10.0.0.0/8, script: /tmp/x.sh}", "/tmp/x.sh", 'invalid script path "/tmp/x.sh"'],
  ])("%s: at %s", (lan, value, message) => {
    const error = failure(stack(lan));
    expect(at(error)).toBe(`stack.yml:9:${columnOf(stack(lan), 9, value)} BAD_OPTION`);
    expect(error.message).toContain(message);
  });

  it("a node name with a quote in ipRanges is refused at that entry", () => {
    const error = failure(stack('{parent: eth0, subnet: 10.0.0.0/8, ipRanges: {"n\'1": 10.1.0.0/16}}'));
    expect(error.line).toBe(9);
    expect(error.message).toContain(`invalid node name "n'1"`);
  });
});

describe("lan options: values that do not fit together", () => {
  it("gateway outside the subnet, in the file: at the gateway", () => {
    const text = stack("{parent: eth0, subnet: 192.168.50.0/24, gateway: 192.168.51.1}");
    const error = failure(text);
    expect(at(error)).toBe(`stack.yml:9:${columnOf(text, 9, "192.168.51.1")} BAD_OPTION`);
    expect(error.message).toBe(
      "lan: the gateway 192.168.51.1 is outside the subnet 192.168.50.0/24 (192.168.50.0-192.168.50.255)",
    );
  });

  it("gateway that is the broadcast address", () => {
    const error = failure(stack("{parent: eth0, subnet: 192.168.50.0/24, gateway: 192.168.50.255}"));
    expect(error.message).toContain("the broadcast address");
  });

  it("gateway from the command line: said to come from there", () => {
    const error = failure(stack("{parent: eth0, subnet: 192.168.50.0/24}"), { lan: { gateway: "10.9.9.9" } });
    expect(at(error)).toBe("<command line or --config>:1:1 BAD_OPTION");
    expect(error.message).toContain("the gateway 10.9.9.9 is outside the subnet 192.168.50.0/24");
  });

  it("the service's own value wins and is the one blamed", () => {
    const text = stack("{parent: eth0, subnet: 192.168.50.0/24, gateway: 192.168.60.1}").replace(
      "networks:\n  hostnet",
      "x-stackmod:\n  lan: {gateway: 192.168.70.1}\nnetworks:\n  hostnet",
    );
    const error = failure(text);
    expect(error.message).toContain("192.168.60.1");
    expect(at(error)).toBe(`stack.yml:9:${columnOf(text, 9, "192.168.60.1")} BAD_OPTION`);
  });

  it("a value from the top-level services.NAME block: at that value", () => {
    const text = stack("{parent: eth0}").replace(
      "networks:\n  hostnet",
      "x-stackmod:\n  lan: {subnet: 10.0.0.0/8, gateway: 10.0.0.9}\n  services:\n    gw: {lan: {gateway: " +
        "11.0.0.1}}\nnetworks:\n  hostnet",
    );
    const error = failure(text);
    expect(error.message).toContain("the gateway 11.0.0.1 is outside the subnet 10.0.0.0/8");
    expect(at(error)).toBe(`stack.yml:13:${columnOf(text, 13, "11.0.0.1")} BAD_OPTION`);
  });

  it("a range outside the subnet: at that range", () => {
    const text = stack("{parent: eth0, subnet: 192.168.50.0/24, ipRanges: {a: 192.168.50.0/25, b: 192.168.0.0/16}}");
    const error = failure(text);
    expect(at(error)).toBe(`stack.yml:9:${columnOf(text, 9, "192.168.0.0/16")} BAD_OPTION`);
    expect(error.message).toContain('the IP range 192.168.0.0/16 of node "b" is not inside the subnet 192.168.50.0/24');
  });

  it("overlapping ranges: at the second, naming the first", () => {
    const text = stack(
      "{parent: eth0, subnet: 192.168.50.0/24, ipRanges: {a: 192.168.50.128/25, b: 192.168.50.192/26}}",
    );
    const error = failure(text);
    expect(at(error)).toBe(`stack.yml:9:${columnOf(text, 9, "192.168.50.192/26")} BAD_OPTION`);
    expect(error.message).toContain('192.168.50.192/26 of node "b" overlaps 192.168.50.128/25 of node "a"');
  });

  it("ipvlanMode with the macvlan driver", () => {
    const text = stack("{parent: eth0, subnet: 10.0.0.0/8, ipvlanMode: l3}");
    const error = failure(text);
    expect(at(error)).toBe(`stack.yml:9:${columnOf(text, 9, "l3")} BAD_OPTION`);
    expect(error.message).toContain("ipvlanMode l3 needs driver ipvlan");
  });

  it("Compose runs on one host: more than one range is refused", () => {
    const text = [
      "services:",
      "  gw:",
      "    image: example/gw:1",
      "    network_mode: host",
      "    networks: [backend]",
      "networks:",
      "  backend: {}",
      "",
    ].join("\n");
    const error = failure(
      text,
      {
        strategy: "lan",
        lan: { parent: "eth0", subnet: "10.0.0.0/8", ipRanges: { a: "10.1.0.0/16", b: "10.2.0.0/16" } },
      },
      "compose",
    );
    expect(error.message).toContain("a Compose file runs on one host");
  });

  it("a network of that name that is not the external one is a collision", () => {
    const text = stack("{parent: eth0, subnet: 10.0.0.0/8}").replace(
      "  backend: {driver: overlay}",
      "  backend: {driver: overlay}\n  eth0-lan: {driver: overlay}",
    );
    const error = failure(text);
    expect(at(error)).toBe("stack.yml:13:3 NAME_COLLISION");
  });

  it("two services asking for one network with different settings", () => {
    const text = stack("{parent: eth0, subnet: 10.0.0.0/8}").replace(
      "networks:\n  hostnet",
      "  other:\n    image: example/other:1\n    networks: [hostnet, backend]\n    x-stackmod: {strategy: lan, lan: " +
        "{parent: eth0, subnet: 10.0.0.0/16}}\nnetworks:\n  hostnet",
    );
    const error = failure(text);
    expect(error.message).toContain('asks for the network "eth0-lan" with other settings than "gw" did');
  });
});

describe("lan options: what is accepted", () => {
  it("the default network name is PARENT-lan, and the command line fills in what the file leaves out", () => {
    const text = stack("{parent: eth0.100}");
    const result = rewrite(text, {
      file: "stack.yml",
      options: { lan: { subnet: "10.0.0.0/8", ipRanges: { n1: "10.0.1.0/24" } } },
    });
    expect(result.output).toContain("networks: [eth0.100-lan, backend]");
    expect(result.output).toContain("  eth0.100-lan: {external: true}");
    expect(result.extraFiles.map((f) => [f.path, f.mode])).toEqual([["stack.lan-setup.sh", 0o755]]);
  });

  it("the script goes where lan.script says, relative to the stack file's folder", () => {
    const result = rewrite(stack("{parent: eth0, subnet: 10.0.0.0/8, script: setup/lan.sh}"), {
      file: "deploy/prod/stack.yml",
    });
    expect(result.extraFiles.map((f) => f.path)).toEqual(["deploy/prod/setup/lan.sh"]);
  });
});
