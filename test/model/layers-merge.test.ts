import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadLayers } from "../../src/model/layers.js";
import { mergeStackData, type Data } from "../../src/model/merge.js";
import { stackConfig } from "../helpers/stack-config.js";

// Each case is a base and an override of one service `s` (plus whole-file cases below). For each, docker's
// own merge (`docker stack config -c base.yml -c over.yml`, docker/cli v28.2.2) must equal what docker reads
// from the one file of the data stackmod merged: so the comparison is in docker's normalised form (ports in
// the long syntax, `K=V` lists as mappings) and a list stackmod keeps an item too many of, or in another
// order, fails. The data is the one merge both `check -c` (`loadLayers`) and `rewrite -c` (`mergeStackData`)
// use; the test checks that the two agree too.
const head = 'version: "3.8"\n';
const tail =
  "networks: {n1: {}, n2: {}, n3: {}}\n" +
  "secrets: {s1: {external: true}, s2: {external: true}, s3: {external: true}}\n" +
  "configs: {c1: {external: true}, c2: {external: true}}\n" +
  "volumes: {v1: {}, v2: {}}\n";
const service = (body: string) => `${head}services:\n  s:\n    image: x\n${body}${tail}`;

type Case = [name: string, base: string, over: string];

const serviceCases: Case[] = [
  // ports: docker keys them by published port alone, on the base too once the override writes the service
  [
    "ports: tcp and udp of one number in the base, override without ports",
    "    ports: ['53:53/tcp', '53:53/udp']\n",
    "    hostname: h\n",
  ],
  ["ports: same published port, other target", "    ports: ['8080:80']\n", "    ports: ['8080:81']\n"],
  ["ports: other published ports are kept, sorted", "    ports: ['9000:90', '100:10']\n", "    ports: ['50:5']\n"],
  ["ports: same target, other published ports", "    ports: ['8080:80']\n", "    ports: ['8081:80']\n"],
  [
    "ports: by protocol in the override",
    "    ports: ['53:53']\n",
    "    ports: ['53:53/udp', '54:54/tcp', '54:54/udp']\n",
  ],
  [
    "ports: short in the base, long in the override",
    "    ports: ['8080:80']\n",
    "    ports: [{target: 80, published: 8080, protocol: udp}]\n",
  ],
  [
    "ports: long in the base, short in the override",
    "    ports: [{target: 80, published: 8080, mode: host}]\n",
    "    ports: ['8080:81']\n",
  ],
  [
    "ports: host-mode ports without published",
    "    ports: [{target: 80, mode: host}, {target: 81, mode: host}]\n",
    "    ports: [{target: 82, mode: host}]\n",
  ],
  ["ports: unpublished short ports", "    ports: ['80', '81']\n", "    ports: ['90:9']\n"],
  ["ports: only in the override (docker appends: both kept)", "", "    ports: ['53:53/tcp', '53:53/udp']\n"],
  [
    "ports: host-mode and ingress of one number",
    "    ports: [{target: 80, published: 80, mode: host}]\n",
    "    ports: [{target: 80, published: 80}]\n",
  ],
  // volumes by target
  [
    "volumes: same target, short and long",
    "    volumes: ['v1:/data', '/h:/logs:ro']\n",
    "    volumes: [{type: volume, source: v2, target: /data}]\n",
  ],
  ["volumes: other targets, sorted by target", "    volumes: ['v1:/z']\n", "    volumes: ['v2:/a', '/srv:/m']\n"],
  ["volumes: the base's own two items of one target", "    volumes: ['v1:/d', 'v2:/d']\n", "    hostname: h\n"],
  // secrets and configs by source
  ["secrets: same source, short and long", "    secrets: [s1, s3]\n", "    secrets: [{source: s1, target: t}, s2]\n"],
  ["configs: same source, long and short", "    configs: [{source: c2, target: /c}]\n", "    configs: [c2, c1]\n"],
  // networks by key, docker's mergeServiceNetworkConfig
  ["networks: list and list", "    networks: [n1]\n", "    networks: [n2, n1]\n"],
  ["networks: list and mapping", "    networks: [n1, n2]\n", "    networks: {n2: {aliases: [a]}}\n"],
  [
    "networks: aliases replaced, addresses kept unless the override sets them",
    "    networks:\n      n1: {aliases: [a], ipv4_address: 10.0.0.2}\n" +
      "      n2: {aliases: [b], ipv6_address: 'fe80::2'}\n",
    "    networks:\n      n1: {aliases: [c]}\n      n2: {ipv6_address: 'fe80::3'}\n",
  ],
  [
    "networks: an empty mapping in the override takes the aliases away",
    "    networks: {n1: {aliases: [a]}}\n",
    "    networks: {n1: {}}\n",
  ],
  [
    "networks: null in the override keeps the base's settings",
    "    networks: {n1: {aliases: [a]}}\n",
    "    networks: {n1: null, n3: null}\n",
  ],
  [
    "networks: settings on a network the base lists",
    "    networks: {n1: null}\n",
    "    networks: {n1: {aliases: [a]}}\n",
  ],
  // environment, labels, sysctls: mappings, by key, from either syntax
  ["environment: list and list", "    environment: [A=1, B=2, C]\n", "    environment: [B=3, D=4]\n"],
  ["environment: list and mapping", "    environment: [A=1, B=2]\n", "    environment: {B: '3', C: null}\n"],
  ["environment: mapping and list", "    environment: {A: '1', B: '2'}\n", "    environment: [A=9, E]\n"],
  [
    "environment: null in the override keeps the base's value",
    "    environment: {A: '1'}\n",
    "    environment: {A: null, B: null}\n",
  ],
  ["labels: list and mapping", "    labels: [a=1, b=2]\n", "    labels: {b: '3'}\n"],
  ["labels: list and list", "    labels: [a=1, b=2]\n", "    labels: [b=3, c=4]\n"],
  [
    "sysctls: list and mapping",
    "    sysctls: [net.core.somaxconn=1]\n",
    "    sysctls: {net.ipv4.tcp_syncookies: '0'}\n",
  ],
  // lists docker appends
  [
    "extra_hosts: appended, a repeated item too",
    "    extra_hosts: ['a:1.1.1.1']\n",
    "    extra_hosts: ['a:1.1.1.1', 'b:2.2.2.2']\n",
  ],
  ["dns: a list and a string", "    dns: [1.1.1.1]\n", "    dns: 8.8.8.8\n"],
  ["dns: a string and a list", "    dns: 1.1.1.1\n", "    dns: [8.8.8.8, 1.1.1.1]\n"],
  [
    "dns_search and cap_add appended",
    "    dns_search: a.example\n    cap_add: [NET_ADMIN]\n",
    "    dns_search: [b.example]\n    cap_add: [SYS_TIME]\n",
  ],
  [
    "healthcheck: test appended, others replaced",
    "    healthcheck: {test: [CMD, a], interval: 1s, retries: 2}\n",
    "    healthcheck: {test: [CMD, b], retries: 5}\n",
  ],
  // command and entrypoint are replaced whole
  ["command: list replaced by a string", "    command: [a, b]\n", "    command: c d\n"],
  ["entrypoint: string replaced by a list", "    entrypoint: a b\n", "    entrypoint: [c]\n"],
  ["command: an empty list in the override keeps the base's", "    command: [a]\n", "    command: []\n"],
  // logging: options merged for one driver, replaced for another
  [
    "logging: same driver, options merged",
    "    logging: {driver: json-file, options: {max-size: 1m}}\n",
    "    logging: {driver: json-file, options: {max-file: '2'}}\n",
  ],
  [
    "logging: no driver in the override",
    "    logging: {driver: syslog, options: {tag: a}}\n",
    "    logging: {options: {tag: b, x: y}}\n",
  ],
  [
    "logging: another driver replaces",
    "    logging: {driver: json-file, options: {max-size: 1m}}\n",
    "    logging: {driver: syslog}\n",
  ],
  // ulimits: each replaced whole
  [
    "ulimits: each limit replaced whole",
    "    ulimits: {nofile: {soft: 1, hard: 2}, nproc: 3}\n",
    "    ulimits: {nofile: 5, core: {soft: 0, hard: 0}}\n",
  ],
  // deploy, key by key
  [
    "deploy: labels by key, constraints appended, replicas replaced",
    "    deploy:\n      replicas: 2\n      labels: [a=1]\n" +
      "      placement: {constraints: [node.role==manager], preferences: [{spread: node.id}]}\n",
    "    deploy:\n      replicas: 3\n      labels: {b: '2'}\n      placement: {constraints: [node.labels.x==y]}\n",
  ],
  [
    "deploy: resources, restart_policy and update_config by key",
    "    deploy:\n      resources: {limits: {cpus: '1', memory: 1G}, reservations: {memory: 100M}}\n" +
      "      restart_policy: {condition: on-failure, max_attempts: 3}\n" +
      "      update_config: {parallelism: 2, order: start-first}\n",
    "    deploy:\n      resources: {limits: {memory: 2G}}\n" +
      "      restart_policy: {delay: 5s}\n      update_config: {parallelism: 1}\n",
  ],
  [
    "deploy: null in the override keeps the base's",
    "    deploy: {replicas: 2, mode: replicated}\n",
    "    deploy: null\n",
  ],
  [
    "deploy: mode and endpoint_mode replaced",
    "    deploy: {mode: replicated, endpoint_mode: vip}\n",
    "    deploy: {mode: global, endpoint_mode: dnsrr}\n",
  ],
  // scalars
  [
    "scalars: the override's win",
    "    hostname: a\n    user: '1'\n    stop_grace_period: 1s\n",
    "    hostname: b\n    init: true\n",
  ],
];

const fileCases: Case[] = [
  [
    "a service only in the override keeps its own tcp and udp ports",
    `${head}services:\n  a:\n    image: x\n    ports: ['53:53/tcp', '53:53/udp']\n`,
    `${head}services:\n  b:\n    image: y\n    ports: ['53:53/tcp', '53:53/udp']\n`,
  ],
  [
    "top-level sections: a later declaration replaces the earlier whole",
    `${head}services:\n  a:\n    image: x\n    networks: [n]\n` +
      "networks:\n  n: {driver: overlay, attachable: true}\n  m: {}\n" +
      "volumes:\n  v: {driver: local, labels: {a: '1'}}\n" +
      "secrets:\n  s: {external: true}\nconfigs:\n  c: {external: true}\n",
    `${head}services:\n  a:\n    image: y\n` +
      "networks:\n  n: {labels: {b: '2'}}\nvolumes:\n  v: {labels: {b: '2'}}\n" +
      "secrets:\n  s: {name: other, external: true}\nconfigs:\n  c: {name: other, external: true}\n",
  ],
  [
    "three services, one in each file and one in both",
    `${head}services:\n  a:\n    image: x\n    ports: ['1:1/tcp', '1:1/udp']\n` +
      "  b:\n    image: x\n    ports: ['2:2/tcp', '2:2/udp']\n",
    `${head}services:\n  b:\n    environment: [X=1]\n  c:\n    image: z\n`,
  ],
];

function dockerReads(files: [string, string][]): unknown {
  const result = stackConfig({ files });
  if (!result.ok) throw new Error(`docker stack config refused the case: ${result.error}`);
  return parse(result.output);
}

function stackmodMerges(base: string, over: string, target: "swarm" | "compose" = "swarm"): Data {
  const layers = [
    { file: "base.yml", text: base },
    { file: "over.yml", text: over },
  ];
  const stack = loadLayers(layers, { target });
  const merged = mergeStackData(
    stack.documents.map((doc) => (doc.data ?? {}) as Data),
    stack.dialect,
  );
  // check -c reads the services of loadLayers, rewrite -c the data of mergeStackData: one merge.
  const services = Object.fromEntries(stack.services.map((s) => [s.name, s.data]));
  expect(services).toEqual(merged.services);
  // The rules read a service's ports as PortEntry items: the same ones, in the same order.
  for (const s of stack.services)
    expect(
      s.ports.map((p) => p.node.toJSON()),
      s.name,
    ).toEqual(s.data.ports ?? []);
  return merged;
}

/**
 * Lists of plain strings docker appends: their merge may repeat an item, which docker's schema refuses in one file
 * (`uniqueItems`), so these are compared with docker's output as they are (a string being a list of one, as docker
 * reads it), then taken out of both for the rest.
 */
const stringLists = ["extra_hosts", "dns", "dns_search", "cap_add"];

function withoutStringLists(merged: Data, docker: unknown): Data {
  const services = { ...(merged.services as Record<string, Data>) };
  const dockerServices = (docker as { services: Record<string, Data> }).services;
  for (const [name, body] of Object.entries(services)) {
    const rest = { ...body };
    for (const key of stringLists) {
      expect([rest[key] ?? []].flat(), `${name}.${key}`).toEqual(dockerServices[name]![key] ?? []);
      delete rest[key];
      delete dockerServices[name]![key];
    }
    services[name] = rest;
  }
  return { ...merged, services };
}

describe("check -c / rewrite -c merge the files as docker stack config -c A -c B does", () => {
  for (const [name, base, over] of [
    ...serviceCases.map(([name, b, o]): Case => [name, service(b), service(o)]),
    ...fileCases,
  ]) {
    it(name, () => {
      const docker = dockerReads([
        ["base.yml", base],
        ["over.yml", over],
      ]);
      const merged = stackmodMerges(base, over);
      expect(dockerReads([["merged.yml", stringify(withoutStringLists(merged, docker))]])).toEqual(docker);
    });
  }
});

// Compose files: docker-compose 1.29.2 (the Python v1 the fixture tests run), `-f base.yml -f over.yml config`.
const composeCases: Case[] = [
  [
    "ports: every distinct item of both files",
    "    ports: ['53:53/tcp', '53:53/udp', '8080:80']\n",
    "    ports: ['8080:81', '53:53/udp']\n",
  ],
  ["ports: the base's own tcp and udp stay", "    ports: ['53:53/tcp', '53:53/udp']\n", "    hostname: h\n"],
  ["volumes: by target", "    volumes: ['/a:/data', '/c:/x']\n", "    volumes: ['/b:/data']\n"],
  ["secrets: by source", "    secrets: [s1]\n", "    secrets: [{source: s1, target: t}, s2]\n"],
  ["environment: list and mapping", "    environment: [A=1, B=2]\n", "    environment: {B: '3'}\n"],
  ["networks: list and mapping", "    networks: [n1]\n", "    networks: {n2: {aliases: [x]}}\n"],
  [
    "networks: aliases of both, the later address",
    "    networks: {n1: {aliases: [b, a], ipv4_address: 10.0.0.2}, n2: {aliases: [c]}}\n",
    "    networks: {n1: {aliases: [a, c], ipv4_address: 10.0.0.3}, n3: null}\n",
  ],
  ["dns: a list and a string", "    dns: [1.1.1.1]\n", "    dns: 8.8.8.8\n"],
  ["command replaced", "    command: [a, b]\n", "    command: c\n"],
];

function composeReads(files: [string, string][]): unknown {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-compose-layers-"));
  try {
    const args: string[] = [];
    for (const [name, text] of files) {
      writeFileSync(join(dir, name), text);
      args.push("-f", name);
    }
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, DOCKER_HOST: "unix:///nonexistent.sock" };
    return parse(execFileSync("docker-compose", [...args, "config"], { cwd: dir, stdio: "pipe", env }).toString());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("Compose files -c merge as docker-compose 1.29.2 -f A -f B does", () => {
  for (const [name, base, over] of composeCases) {
    it(name, () => {
      const files = (b: string, o: string): [string, string][] => [
        ["base.yml", service(b)],
        ["over.yml", service(o)],
      ];
      const compose = composeReads(files(base, over));
      const merged = stackmodMerges(service(base), service(over), "compose");
      expect(composeReads([["merged.yml", stringify(merged)]])).toEqual(compose);
    });
  }
});
