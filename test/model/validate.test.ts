import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/load.js";
import { stackConfig } from "../helpers/stack-config.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

/**
 * The shape of a stack file is checked by one schema (src/model/shape.ts); the error for a
 * wrong kind is worded from that schema and points at the node to edit. Each file here is
 * refused by `docker stack config` too, naming the same path.
 */
const refusedByBoth: { name: string; text: string; message: string }[] = [
  {
    name: "a port written as a list",
    text: "services:\n  web:\n    image: x\n    ports:\n      - [80]\n",
    message:
      "stack.yml:5:9: error WRONG_TYPE: `services.web.ports.0` must be a string or a number or a mapping, " +
      "but it is a list",
  },
  {
    name: "a long port's target written as a list",
    text: "services:\n  web:\n    image: x\n    ports:\n      - target: [80]\n        published: 8080\n",
    message:
      "stack.yml:5:17: error WRONG_TYPE: `services.web.ports.0.target` must be a number or a string, but it is a list",
  },
  {
    name: "a long port's protocol written as a number",
    text: "services:\n  web:\n    image: x\n    ports:\n      - target: 80\n        protocol: 6\n",
    message:
      "stack.yml:6:19: error WRONG_TYPE: `services.web.ports.0.protocol` must be a string, but it is a number (6)",
  },
  {
    name: "a network of the list written as a number",
    text: "services:\n  web:\n    image: x\n    networks: [1, back]\nnetworks:\n  back: {}\n",
    message: "stack.yml:4:16: error WRONG_TYPE: `services.web.networks.0` must be a string, but it is a number (1)",
  },
  {
    name: "an attachment's aliases written as a string",
    text: "services:\n  web:\n    image: x\n    networks:\n      back:\n        aliases: web1\nnetworks:\n  back: {}\n",
    message:
      "stack.yml:6:18: error WRONG_TYPE: `services.web.networks.back.aliases` must be a list, " +
      'but it is a string ("web1")',
  },
  {
    name: "an attachment written as a number",
    text: "services:\n  web:\n    image: x\n    networks:\n      back: 5\nnetworks:\n  back: {}\n",
    message: "stack.yml:5:13: error WRONG_TYPE: `services.web.networks.back` must be a mapping, but it is a number (5)",
  },
  {
    name: "an external network's name written as a list",
    text: "services:\n  web:\n    image: x\nnetworks:\n  back:\n    external:\n      name: [x]\n",
    message: "stack.yml:7:13: error WRONG_TYPE: `networks.back.external.name` must be a string, but it is a list",
  },
  {
    name: "an empty network_mode, pointed at by its key",
    text: "services:\n  web:\n    image: x\n    network_mode:\n",
    message:
      "stack.yml:4:5: error WRONG_TYPE: `services.web.network_mode` must be a string, " +
      "but it is empty: give it a value or remove it",
  },
  {
    name: "an empty driver, pointed at by its key",
    text: "services:\n  web:\n    image: x\nnetworks:\n  back:\n    driver:\n",
    message:
      "stack.yml:6:5: error WRONG_TYPE: `networks.back.driver` must be a string, " +
      "but it is empty: give it a value or remove it",
  },
  {
    name: "a null written out as a port",
    text: "services:\n  web:\n    image: x\n    ports: [~]\n",
    message:
      "stack.yml:4:13: error WRONG_TYPE: `services.web.ports.0` must be a string or a number or a mapping, " +
      "but it is empty: give it a value or remove it",
  },
];

describe("a value of the wrong kind: the schema's words, at the node to edit", () => {
  for (const { name, text, message } of refusedByBoth) {
    it(`${name}: ${message.split(": error ")[1]}`, () => {
      expect(stackmodErrorOf(() => loadModel(text, { file: "stack.yml" })).format()).toBe(message);
      const docker = stackConfig({ files: [["stack.yml", `version: "3.8"\n${text}`]] });
      expect(docker.ok).toBe(false);
      const path = /`([^`]+)`/.exec(message)![1]!;
      expect(docker.ok ? "" : docker.error).toContain(`${path} must be a`);
    });
  }

  it("a value reached through an alias is pointed at where the anchor writes it", () => {
    const text = "x-ports: &ports [[80]]\nservices:\n  web:\n    image: x\n    ports: *ports\n";
    expect(stackmodErrorOf(() => loadModel(text, { file: "stack.yml" })).format()).toBe(
      "stack.yml:1:18: error WRONG_TYPE: `services.web.ports.0` must be a string or a number or a mapping, " +
        "but it is a list",
    );
  });

  it("a value merged in with << is pointed at in the mapping it comes from", () => {
    const text = "x-base: &base\n  network_mode: 5\nservices:\n  web:\n    <<: *base\n    image: x\n";
    expect(stackmodErrorOf(() => loadModel(text, { file: "stack.yml" })).format()).toBe(
      "stack.yml:2:17: error WRONG_TYPE: `services.web.network_mode` must be a string, but it is a number (5)",
    );
  });

  it("a key that is no plain word is quoted in the path, so that the message stays one line", () => {
    const text = 'services:\n  web:\n    image: x\n    networks:\n      "a\\nb": 5\n';
    expect(stackmodErrorOf(() => loadModel(text, { file: "stack.yml" })).format()).toBe(
      'stack.yml:5:15: error WRONG_TYPE: `services.web.networks."a\\nb"` must be a mapping, but it is a number (5)',
    );
  });

  it("a value no JSON kind names is worded as YAML writes it: .nan, and a date under %YAML 1.1", () => {
    const nan = "services:\n  web:\n    image: x\n    ports: [.nan]\n";
    expect(stackmodErrorOf(() => loadModel(nan, { file: "stack.yml" })).format()).toBe(
      "stack.yml:4:13: error WRONG_TYPE: `services.web.ports.0` must be a string or a number or a mapping, " +
        "but it is not a number (.nan)",
    );
    const date = "%YAML 1.1\n---\nservices:\n  web:\n    image: x\n    network_mode: 2001-12-14\n";
    expect(stackmodErrorOf(() => loadModel(date, { file: "stack.yml" })).format()).toBe(
      "stack.yml:6:19: error WRONG_TYPE: `services.web.network_mode` must be a string, " +
        "but it is a date: quote it if it is meant as a string",
    );
  });

  it("of several problems, the first in the file is reported, whichever the schema lists first", () => {
    const networksFirst = "networks:\n  back:\n    driver: 1\nservices:\n  web:\n    image: x\n    ports: 80\n";
    const servicesFirst = "services:\n  web:\n    image: x\n    ports: 80\nnetworks:\n  back:\n    driver: 1\n";
    expect(stackmodErrorOf(() => loadModel(networksFirst, { file: "stack.yml" })).format()).toBe(
      "stack.yml:3:13: error WRONG_TYPE: `networks.back.driver` must be a string, but it is a number (1)",
    );
    expect(stackmodErrorOf(() => loadModel(servicesFirst, { file: "stack.yml" })).format()).toBe(
      "stack.yml:4:12: error WRONG_TYPE: `services.web.ports` must be a list, but it is a number (80)",
    );
  });

  it("a value out of range is reported once the shape is right, as a compiler reports syntax first", () => {
    const text = "services:\n  web:\n    image: x\n    ports: ['80800:80', [443]]\n";
    expect(stackmodErrorOf(() => loadModel(text, { file: "stack.yml" })).format()).toBe(
      "stack.yml:4:25: error WRONG_TYPE: `services.web.ports.1` must be a string or a number or a mapping, " +
        "but it is a list",
    );
    const shaped = "services:\n  web:\n    image: x\n    ports: ['80800:80', 443]\n";
    expect(stackmodErrorOf(() => loadModel(shaped, { file: "stack.yml" })).format()).toBe(
      'stack.yml:4:13: error INVALID_PORT: service "web": published port 80800 is out of range; ports are 1-65535',
    );
  });

  it("a name Docker refuses is reported at its key once the shape is right", () => {
    const text = "services:\n  'we b':\n    image: x\n  web:\n    image: x\n    deploy: []\n";
    expect(stackmodErrorOf(() => loadModel(text, { file: "stack.yml" })).format()).toBe(
      "stack.yml:6:13: error WRONG_TYPE: `services.web.deploy` must be a mapping, but it is a list",
    );
    const shaped = "services:\n  'we b':\n    image: x\n  web:\n    image: x\n    deploy: {}\n";
    expect(stackmodErrorOf(() => loadModel(shaped, { file: "stack.yml" })).format()).toBe(
      'stack.yml:2:3: error INVALID_NAME: service name "we b" is not one Docker accepts ' +
        "(letters, digits, '_', '.', '-', starting with a letter or digit); rename it",
    );
  });
});

describe("what the schema accepts", () => {
  it("the settings that may be empty, and every kind each setting may have (an empty service is no service)", () => {
    const text = [
      'version: "3.8"',
      "services:",
      "  empty:",
      "  web:",
      "    image: x",
      "    deploy:",
      "    x-stackmod:",
      "    networks:",
      "      back:",
      "      front: {aliases: [web1, 2, true]}",
      "    ports: [80, '81:81', {target: 82, published: '8082', protocol: tcp, mode: host}]",
      "  worker:",
      "    image: x",
      "    networks: [back]",
      "    network_mode: bridge",
      "networks:",
      "  back:",
      "  front: {name: front, driver: overlay}",
      "  ext1: {external: true}",
      "  ext2: {external: 'true'}",
      "  ext3: {external: {name: lan}}",
      "",
    ].join("\n");
    const model = loadModel(text, { file: "stack.yml" });
    expect(model.services.map((service) => service.name)).toEqual(["web", "worker"]);
  });
});
