/**
 * IPv4 addresses and CIDR blocks as the lan strategy needs them. Strict on
 * purpose: no leading zeros (some tools read them as octal), no host bits in a
 * block, nothing that Docker would read differently from what the user meant.
 */
export interface Cidr {
  /** The network address as a 32-bit unsigned number. */
  base: number;
  prefix: number;
  text: string;
}

const octet = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const addressPattern = new RegExp(`^${octet}(?:\\.${octet}){3}$`);
const cidrPattern = new RegExp(`^(${octet}(?:\\.${octet}){3})/(3[0-2]|[12]?\\d)$`);

export function parseAddress(text: string): number | undefined {
  if (!addressPattern.test(text)) return undefined;
  return text.split(".").reduce((value, part) => value * 256 + Number(part), 0);
}

export function formatAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Parses `a.b.c.d/n`; `hostBits` says the address had bits set beyond the prefix. */
export function parseCidr(text: string): { cidr: Cidr; hostBits: boolean } | undefined {
  const match = cidrPattern.exec(text);
  if (!match) return undefined;
  const address = parseAddress(match[1]!)!;
  const prefix = Number(match[2]);
  const base = address - (address % blockSize(prefix));
  return { cidr: { base, prefix, text }, hostBits: base !== address };
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** The last address of a block (its broadcast address when the prefix is below 31). */
export function lastAddress(cidr: Cidr): number {
  return cidr.base + blockSize(cidr.prefix) - 1;
}

export function containsAddress(cidr: Cidr, address: number): boolean {
  return address >= cidr.base && address <= lastAddress(cidr);
}

export function containsBlock(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && containsAddress(outer, inner.base);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= lastAddress(b) && b.base <= lastAddress(a);
}
