// `stackmod audit` over tcp:// with TLS, as `DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=DIR` asks: the engine's
// recorded answers served by an https server that, like `dockerd --tlsverify`, only talks to a client whose
// certificate its CA signed. Certificates made with openssl for the test; no engine with TLS runs here.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayServer } from "../helpers/engine-api.mjs";
import { runCli } from "../helpers/run-cli.js";
import { testUrl } from "../helpers/paths.js";

const dir = mkdtempSync(join(tmpdir(), "stackmod-tls-"));
const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });

/**
 * A CA of its own in `name/`, and beside it what DOCKER_CERT_PATH holds for a client (`name/client/`: ca.pem,
 * cert.pem, key.pem) and what the server holds (`name/server-cert.pem`, `name/server-key.pem`).
 */
function authority(name: string): string {
  const at = join(dir, name);
  mkdirSync(join(at, "client"), { recursive: true });
  const file = (base: string) => join(at, base);
  const key = ["-newkey", "rsa:2048", "-nodes", "-days", "1"];
  openssl(["req", "-x509", ...key, "-subj", `/CN=${name}`, "-keyout", file("ca-key.pem"), "-out", file("ca.pem")]);
  const sign = (who: string, extension: string) => {
    writeFileSync(file(`${who}.ext`), `${extension}\n`);
    openssl([
      "req",
      ...key.slice(0, 3),
      "-subj",
      `/CN=${who}`,
      "-keyout",
      file(`${who}-key.pem`),
      "-out",
      file(`${who}.csr`),
    ]);
    const ca = ["-CA", file("ca.pem"), "-CAkey", file("ca-key.pem"), "-CAcreateserial"];
    openssl([
      "x509",
      "-req",
      "-in",
      file(`${who}.csr`),
      ...ca,
      "-days",
      "1",
      "-extfile",
      file(`${who}.ext`),
      "-out",
      file(`${who}-cert.pem`),
    ]);
  };
  sign("server", "subjectAltName=IP:127.0.0.1");
  sign("client", "extendedKeyUsage=clientAuth");
  copyFileSync(file("ca.pem"), join(at, "client", "ca.pem"));
  copyFileSync(file("client-cert.pem"), join(at, "client", "cert.pem"));
  copyFileSync(file("client-key.pem"), join(at, "client", "key.pem"));
  return at;
}

describe("audit over tcp:// with TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)", () => {
  let server: Awaited<ReturnType<typeof replayServer>>;
  let host = "";
  let engineCa = "";
  let otherCa = "";
  beforeAll(async () => {
    engineCa = authority("engine-ca");
    otherCa = authority("other-ca");
    const engines = new URL("./engine-api/", testUrl);
    const recorded = JSON.parse(readFileSync(new URL(`${readdirSync(engines)[0]}/audit.json`, engines), "utf8"));
    const tls = {
      key: readFileSync(join(engineCa, "server-key.pem")),
      cert: readFileSync(join(engineCa, "server-cert.pem")),
      ca: readFileSync(join(engineCa, "ca.pem")),
    };
    server = await replayServer(recorded.exchanges, "", tls);
    host = `tcp://127.0.0.1:${server.port}`;
  });
  afterAll(() => server?.close());

  it("with the client certificate the engine's CA signed: the audit as over a socket", async () => {
    const env = { DOCKER_HOST: host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: join(engineCa, "client") };
    const r = await runCli(["audit", "--format", "json"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const audit = JSON.parse(r.stdout);
    expect(audit.engine.url).toBe(host);
    expect(audit.services.filter((s: { findings: unknown[] }) => s.findings.length > 0)).toHaveLength(3);
  });

  it("a server certificate of another CA, or no TLS at all: exit 2, one line", async () => {
    const wrong = await runCli(["audit"], {
      env: { DOCKER_HOST: host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: join(otherCa, "client") },
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(new RegExp(`^stackmod audit: ${host}: GET /version: .*certificate.*\\n$`));
    const plain = await runCli(["audit"], { env: { DOCKER_HOST: host } });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(new RegExp(`^stackmod audit: ${host}: GET /version: [^\\n]+\\n$`));
  });
});
