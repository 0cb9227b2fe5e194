// Offline images: a root filesystem from Debian's busybox-static plus chosen host binaries and their
// shared libraries (from ldd), packed with `tar` and `docker import`ed, tagged with whatever names a stack uses.
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { docker, type Engine } from "./engine.js";
import { run } from "./run.js";

export interface ImageSpec {
  /** Host binaries to copy (absolute paths or names on PATH), each with the libraries `ldd` lists. */
  binaries?: string[];
  /** Host directories copied to the same path in the image (modes and symlinks kept), with the libraries `ldd`
   *  lists for the ELF files in them (a runtime such as Erlang's). */
  trees?: string[];
  /** Extra files: path in the image -> content (executable when it starts with `#!`). */
  files?: Record<string, string>;
  /** Image CMD / ENTRYPOINT (JSON form). */
  cmd?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
}

/** The image most scenarios use: busybox + socat, tagged like the proxy image stackmod pins. */
export const SOCAT_IMAGE: ImageSpec = { binaries: ["socat"], cmd: ["sh"] };

/**
 * Build an image from `spec` and tag it with every name in `names` (e.g. "alpine/socat:1.8.0.1"), on one engine
 * or on every node of a cluster (the same root filesystem, packed once, imported into each).
 */
export async function buildImage(
  engines: Engine | Engine[],
  names: string | string[],
  spec: ImageSpec = {},
): Promise<void> {
  const targets = Array.isArray(engines) ? engines : [engines];
  const tags = Array.isArray(names) ? names : [names];
  if (tags.length === 0) throw new Error("buildImage: no image name");
  if (targets.length === 0) throw new Error("buildImage: no engine");
  const root = mkdtempSync(join(targets[0]!.dir, "rootfs-"));
  const tarball = `${root}.tar`;
  try {
    await populate(root, spec);
    await run("tar", ["-C", root, "-cf", tarball, "."], { timeoutMs: 120_000 });
    const changes = [
      `ENV PATH=${spec.env?.PATH ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"}`,
      ...Object.entries(spec.env ?? {})
        .filter(([k]) => k !== "PATH")
        .map(([k, v]) => `ENV ${k}=${v}`),
      ...(spec.cmd ? [`CMD ${JSON.stringify(spec.cmd)}`] : []),
      ...(spec.entrypoint ? [`ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`] : []),
    ];
    await Promise.all(
      targets.map(async (engine) => {
        const args = ["import", ...changes.flatMap((c) => ["-c", c]), tarball, tags[0]!];
        await docker(engine, args, { timeoutMs: 120_000 });
        for (const tag of tags.slice(1)) await docker(engine, ["tag", tags[0]!, tag]);
      }),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(tarball, { force: true });
  }
}

async function populate(root: string, spec: ImageSpec): Promise<void> {
  for (const d of ["bin", "etc", "tmp", "usr/bin", "var/run"]) mkdirSync(join(root, d), { recursive: true });
  chmodSync(join(root, "tmp"), 0o1777);
  const busybox = await which("busybox");
  copyFileSync(busybox, join(root, "bin/busybox"));
  chmodSync(join(root, "bin/busybox"), 0o755);
  const applets = (await run(busybox, ["--list"])).stdout.split("\n").filter(Boolean);
  for (const a of applets) if (a !== "busybox") symlinkSync("busybox", join(root, "bin", a));
  writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
  writeFileSync(join(root, "etc/group"), "root:x:0:\nnogroup:x:65534:\n");
  writeFileSync(join(root, "etc/nsswitch.conf"), "hosts: files dns\n");
  for (const bin of spec.binaries ?? []) {
    const path = bin.startsWith("/") ? bin : await which(bin);
    copyInto(root, path, join("/usr/bin", path.split("/").pop()!));
    for (const lib of await libraries(path)) copyInto(root, lib, lib);
  }
  for (const tree of spec.trees ?? []) {
    mkdirSync(dirname(join(root, tree)), { recursive: true });
    await run("cp", ["-a", tree, join(root, tree)]);
    for (const file of elfFiles(join(root, tree))) for (const lib of await libraries(file)) copyInto(root, lib, lib);
  }
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content, { mode: content.startsWith("#!") ? 0o755 : 0o644 });
  }
}

/** The regular files under `dir` that start with the ELF magic (symlinks not followed). */
function elfFiles(dir: string): string[] {
  const found: string[] = [];
  const magic = Buffer.alloc(4);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const fd = openSync(path, "r");
    try {
      if (readSync(fd, magic, 0, 4, 0) === 4 && magic.toString("latin1") === "\x7fELF") found.push(path);
    } finally {
      closeSync(fd);
    }
  }
  return found;
}

function copyInto(root: string, from: string, to: string) {
  const dest = join(root, to);
  if (existsSync(dest)) return;
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(from, dest); // follows symlinks: the image gets the real file under the linked name
  chmodSync(dest, 0o755);
}

/** The shared libraries (and the dynamic loader) a binary needs; none for a static binary. */
async function libraries(binary: string): Promise<string[]> {
  const r = await run("ldd", [binary], { allowFail: true });
  if (r.code !== 0) return []; // "not a dynamic executable"
  return [...r.stdout.matchAll(/(?:=>\s+)?(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

async function which(cmd: string): Promise<string> {
  const path = `${process.env.PATH ?? ""}:/usr/local/sbin:/usr/sbin:/sbin`;
  const r = await run("sh", ["-c", 'command -v "$1"', "which", cmd], {
    allowFail: true,
    env: { ...process.env, PATH: path },
  });
  const found = r.stdout.trim();
  if (r.code !== 0 || !found.startsWith("/"))
    throw new Error(`buildImage: ${cmd} is not installed (see .ci/install-e2e.sh)`);
  return found;
}
