import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  containsAddress,
  containsBlock,
  formatAddress,
  lastAddress,
  overlaps,
  parseAddress,
  parseCidr,
} from "../../../src/strategies/lan/ipv4.js";

const address = fc.integer({ min: 0, max: 2 ** 32 - 1 });
/** Blocks inside 10.0.0.0/22 with prefixes 22-32: small enough to compare against every address. */
const smallBlock = fc
  .tuple(fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 22, max: 32 }))
  .map(([offset, prefix]) => {
    const size = 2 ** (32 - prefix);
    const base = parseAddress("10.0.0.0")! + offset - (offset % size);
    return parseCidr(`${formatAddress(base)}/${prefix}`)!.cidr;
  });
const members = (cidr: { base: number; prefix: number }) =>
  new Set(Array.from({ length: 2 ** (32 - cidr.prefix) }, (_, i) => cidr.base + i));

describe("IPv4 blocks", () => {
  it("an address prints and parses back to itself", () => {
    fc.assert(fc.property(address, (value) => parseAddress(formatAddress(value)) === value));
  });

  it("host bits are found exactly when the address is not the block's first", () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 0, max: 32 }), (value, prefix) => {
        const parsed = parseCidr(`${formatAddress(value)}/${prefix}`)!;
        return parsed.hostBits === (value % 2 ** (32 - prefix) !== 0) && containsAddress(parsed.cidr, value);
      }),
    );
  });

  it("overlaps and containsBlock agree with the sets of addresses", () => {
    fc.assert(
      fc.property(smallBlock, smallBlock, (a, b) => {
        const [setA, setB] = [members(a), members(b)];
        const shared = [...setB].some((x) => setA.has(x));
        const inside = [...setB].every((x) => setA.has(x));
        return overlaps(a, b) === shared && containsBlock(a, b) === inside && lastAddress(a) === Math.max(...setA);
      }),
    );
  });

  it.each([
    "10.0.0.0/33",
    "10.0.0/24",
    "010.0.0.0/8",
    "10.0.0.0/08",
    "256.0.0.0/8",
    " 10.0.0.0/8",
    "10.0.0.0/8\n",
    "10.0.0.0",
  ])("%j is not a CIDR", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});
