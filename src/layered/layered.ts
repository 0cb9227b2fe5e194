import { isDeepStrictEqual } from "node:util";
import { parse, stringify } from "yaml";
import type { CheckOptions, CheckResult } from "../check.js";
import { StackmodError, type SourcePosition } from "../errors.js";
import { unifiedDiff } from "../emit/diff.js";
import type { Plain } from "../edit/render.js";
import { isData, mergeStackData, sameServiceData, type Data } from "../model/merge.js";
import { LayeredEdits } from "./project.js";
import { onlyReferencesRenamed, renamesOf } from "./renames.js";
import { loadLayers, type Layer, type LayeredModel } from "../model/layers.js";
import { loadModel } from "../model/load.js";
import { rewrite, rewriteWith, type RewriteOptions, type RewriteResult } from "../rewrite.js";
import { transforms } from "../strategies/index.js";
import { mergedOrigin } from "./merged-origin.js";
import { detect, engineFor, type Finding } from "../rules/index.js";
import { readFileOptions } from "../plan/file-options.js";

export type { Layer };

/** `check -c A -c B`: the findings of the merged stack, each against the file and line that introduced it. */
export function checkLayered(layers: readonly Layer[], options: Omit<CheckOptions, "file"> = {}): CheckResult {
  const stack = loadLayers(layers, options);
  const engine = engineFor(stack, options.engine);
  const notes = stack.layers.flatMap((model) =>
    readFileOptions(model).warnings.map((message) => ({ level: "warning" as const, message })),
  );
  return {
    file: layers.map((l) => l.file).join(" + "),
    dialect: stack.dialect,
    findings: detect(stack, engine),
    engine: engine.text,
    notes,
  };
}

export interface LayeredRewriteResult {
  /** One result per file, in the order given; `changed` says which files were edited. */
  files: RewriteResult[];
  /** The files edited, by name. */
  edited: string[];
  findings: Finding[];
  /** Findings left in the merged stack after the rewrite. */
  remaining: Finding[];
}

/**
 * `rewrite -c A -c B`. A refused service that a file shows whole is rewritten in that file (in each such file), by
 * the single-file pipeline, which sees the networks the other files declare. One refused only once the files are
 * merged (the host network in one file, its other networks or ports in another) is planned on the merged stack,
 * as one file would be, and each change is written to the file that writes what it changes (`LayeredEdits`); the
 * edited files are read again and must merge to what was planned.
 */
export function rewriteLayered(
  layers: readonly Layer[],
  options: Omit<RewriteOptions, "file"> = {},
): LayeredRewriteResult {
  const stack = loadLayers(layers, options);
  const engine = engineFor(stack, options.engine);
  const findings = detect(stack, engine);
  const wanted = options.services ? new Set(options.services) : undefined;
  // Every file is asked for every refused service: each rewrites those it shows refused whole (a file that
  // writes the same conflict as another, its networks copied, is rewritten too: docker merges the two lists).
  const refusedServices = new Set(
    findings.filter((f) => f.severity === "error" && (!wanted || wanted.has(f.service))).map((f) => f.service),
  );
  const byFile = new Map(layers.map((layer) => [layer.file, refusedServices]));
  const files = layers.map((layer) =>
    rewrite(layer.text, {
      ...options,
      engine: engine.text,
      file: layer.file,
      target: stack.dialect,
      layerNetworks: stack.networks,
      services: [...(byFile.get(layer.file) ?? [])],
    }),
  );
  const mid = loadLayers(
    files.map((result) => ({ file: result.file, text: result.output })),
    options,
  );
  renamedWhereOthersWrite(stack, mid, files, findings);
  const remaining = detect(mid, engine);
  // Skipped on purpose (strategy: skip, no safe fix) in a file asked to rewrite it: it stays as it is.
  const skipped = new Set(
    files.flatMap((result) =>
      result.skipped.filter((s) => byFile.get(result.file)?.has(s.service)).map((s) => s.service),
    ),
  );
  // What a file's own rewrite left (a key without a fix) is left as in one file; anything else spans the files.
  const leftInFile = new Set(
    files.flatMap((result) => result.remaining.map((f) => `${f.file}\0${f.service}\0${f.rule}`)),
  );
  const refused = new Set(findings.filter((f) => f.severity === "error").map((f) => f.service));
  const spanning = [
    ...new Set(
      remaining
        .filter((f) => f.severity === "error" && refused.has(f.service) && !skipped.has(f.service))
        .filter((f) => !leftInFile.has(`${f.file}\0${f.service}\0${f.rule}`))
        .filter((f) => !wanted || wanted.has(f.service))
        .map((f) => f.service),
    ),
  ];
  if (spanning.length === 0) {
    return { files, edited: files.filter((r) => r.changed).map((r) => r.file), findings, remaining };
  }
  const merged = rewriteMerged(mid, spanning, remaining, engine.text, options);
  const results = files.map((result, index) => {
    const output = merged.outputs[index]!;
    const own = index === merged.home ? merged.result : undefined;
    const notes = [...result.notes, ...(own?.notes ?? []), ...merged.notes.filter((n) => n.index === index)];
    return {
      ...result,
      output,
      changed: output !== result.original,
      diff: unifiedDiff(result.file, result.original, output),
      applied: [...result.applied, ...(own?.applied ?? [])],
      skipped: [...result.skipped, ...(own?.skipped ?? [])],
      notes: notes.map(({ level, message }) => ({ level, message })),
      flows: [...result.flows, ...(own?.flows ?? [])],
      settings: [...result.settings, ...(own?.settings ?? [])],
      extraFiles: [...result.extraFiles, ...(own?.extraFiles ?? [])],
      remaining: merged.remaining.filter((f) => f.file === result.file),
    };
  });
  return {
    files: results,
    edited: results.filter((r) => r.changed).map((r) => r.file),
    findings,
    remaining: merged.remaining,
  };
}

interface MergedRewrite {
  outputs: string[];
  /** The file the merged plan's results are reported with (the first rewritten service's home). */
  home: number;
  result: RewriteResult;
  notes: { index: number; level: "info"; message: string }[];
  remaining: Finding[];
}

/**
 * The services refused only once merged, planned on the merged stack's text (docker's merge, `mergeStackData`)
 * and written back into the files.
 */
function rewriteMerged(
  stack: LayeredModel,
  spanning: string[],
  found: Finding[],
  engine: string,
  options: Omit<RewriteOptions, "file">,
): MergedRewrite {
  const files = stack.layers.map((model) => model.file);
  const before = mergeStackData(
    stack.documents.map((doc) => (doc.data ?? {}) as Data),
    stack.dialect,
  );
  const first = found.find((f) => f.service === spanning[0] && f.severity === "error")!;
  const at = (service: string): SourcePosition =>
    found.find((f) => f.service === service && f.severity === "error") ?? first;
  const edits = new LayeredEdits(stack.layers, stack.dialect === "compose");
  const homeOf = (service: string) => {
    const writers = edits.writers(service);
    const file = at(service).file;
    return (writers.find((w) => w.model.file === file) ?? writers.at(-1)!).index;
  };
  const name = files.join(" + ");
  // What the plan puts beside its stack file (lan's setup script) goes beside the file that holds the first
  // service's conflict, and says its name.
  const beside = files[homeOf(spanning[0]!)]!;
  let result: RewriteResult;
  try {
    // Every position the plan gives is the one of the node it comes from in the files (`mergedOrigin`).
    const text = stringify(before, { aliasDuplicateObjects: false, lineWidth: 0 });
    const origin = mergedOrigin(stack, text, (service) => at(service).file);
    result = rewriteWith(
      text,
      { ...options, file: name, engine, target: stack.dialect, services: spanning },
      transforms,
      origin,
      beside,
    );
  } catch (error) {
    if (!(error instanceof StackmodError) || error.file !== name) throw error;
    // An error at no node of the merged text (stackmod's own) is shown at the refused service in its file.
    throw new StackmodError(error.code, error.message, at(spanning[0]!));
  }
  const after = parse(result.output) as Data;
  const writtenAt = (service: string) => edits.writers(service).map((w) => w.service.position);
  const applied = result.applied.map((a) => a.service);
  const servicesBefore = (before.services ?? {}) as Data;
  const servicesAfter = (after.services ?? {}) as Data;
  const renames = renamesOf(Object.keys(servicesBefore), Object.keys(servicesAfter), applied);
  const oldName = (service: string) => [...renames].find(([, to]) => to === service)?.[0] ?? service;
  for (const service of Object.keys(servicesBefore)) {
    const changed = !isDeepStrictEqual(servicesBefore[service], servicesAfter[service]);
    if (changed && !applied.includes(service)) {
      if (onlyReferencesRenamed(servicesBefore[service] as Data, servicesAfter[service], renames)) continue;
      throw cannotWrite(service, at(service), "changes another service", writtenAt(service));
    }
  }
  for (const service of applied) {
    const now = renames.get(service) ?? service;
    if (!(now in servicesAfter)) throw cannotWrite(service, at(service), "removes it", writtenAt(service));
    const home = homeOf(service);
    if (now !== service) renameEverywhere(edits, service, now);
    edits.project(service, home, servicesBefore[service] as Data, servicesAfter[now] as Data, at(service));
  }
  // Services the plan adds go after the rewritten service they follow in its output, in that one's home file.
  let near: string | undefined;
  for (const [added, body] of Object.entries(servicesAfter)) {
    const service = oldName(added);
    if (service in servicesBefore) {
      near = service;
      continue;
    }
    if (!near || !applied.includes(near))
      throw cannotWrite(spanning[0]!, first, `adds "${service}" apart`, writtenAt(spanning[0]!));
    const home = edits.writers(near).find((w) => w.index === homeOf(near!))!;
    edits.editsOf(home).addServices(home.service, [[added, body as Plain]]);
  }
  const home = homeOf(applied[0] ?? spanning[0]!);
  const homeWriter = edits.writers(applied[0] ?? spanning[0]!).find((w) => w.index === home)!;
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === "services" || isDeepStrictEqual(before[key], after[key])) continue;
    const was = isData(before[key]) ? before[key] : {};
    const now = after[key];
    const added = isData(now) ? Object.keys(now).filter((k) => !(k in was)) : [];
    const sectionOk = (key === "networks" || key === "volumes" || key === "secrets") && isData(now);
    if (!sectionOk || Object.keys(was).some((k) => !isDeepStrictEqual(was[k], now[k]))) {
      throw cannotWrite(spanning[0]!, first, `changes the top-level \`${key}:\``, writtenAt(spanning[0]!));
    }
    for (const k of added) edits.editsOf(homeWriter).declare(key, k, now[k] as Plain);
  }
  const outputs = edits.finish((index, text) =>
    loadModel(text, {
      ...options,
      file: files[index]!,
      target: stack.dialect,
      layerNetworks: stack.networks,
    }),
  );
  const final = readBack(files, outputs, options, first);
  const finalData = mergeStackData(
    final.documents.map((doc) => (doc.data ?? {}) as Data),
    stack.dialect,
  );
  const finalServices = (finalData.services ?? {}) as Data;
  const mismatch = Object.keys({ ...finalServices, ...servicesAfter }).find(
    (service) =>
      !isData(finalServices[service]) ||
      !isData(servicesAfter[service]) ||
      !sameServiceData(finalServices[service], servicesAfter[service]),
  );
  const sectionMismatch = ["networks", "volumes", "secrets", "configs"].find(
    (key) => !isDeepStrictEqual(finalData[key] ?? {}, after[key] ?? {}),
  );
  if (mismatch !== undefined || sectionMismatch !== undefined) {
    const what = mismatch !== undefined ? `service "${mismatch}"` : `the top-level \`${sectionMismatch}:\``;
    throw new StackmodError(
      "INTERNAL",
      `stackmod's layered rewrite is wrong: the edited files merge to a different ${what} than planned; nothing ` +
        "was written. This is a bug in stackmod, not in your files: please report it with the files",
      first,
    );
  }
  const remaining = detect(final, engineFor(final, engine));
  const alone = new Set(result.skipped.map((s) => s.service));
  // A finding the merged plan left (a key without a fix) is left as in one file.
  const planLeft = new Set(result.remaining.map((f) => `${f.service}\0${f.rule}`));
  const left = remaining.find(
    (f) =>
      f.severity === "error" &&
      spanning.includes(f.service) &&
      !alone.has(f.service) &&
      !planLeft.has(`${f.service}\0${f.rule}`),
  );
  if (left) throw spansFiles(left.service, remaining, left.file);
  const notes = outputs.flatMap((output, index) => {
    const edited = output !== stack.layers[index]!.parsed.source.text;
    return edited && index !== home
      ? [{ index: home, level: "info" as const, message: alsoEdited(files[index]!, applied) }]
      : [];
  });
  const position = (service: string) => edits.writers(service).find((w) => w.index === homeOf(service))!.service;
  const flows = result.flows.map((flow) => {
    const { line, column } = position(flow.service in servicesBefore ? flow.service : applied[0]!).position;
    return { ...flow, line, column };
  });
  return { outputs, home, result: { ...result, flows }, notes, remaining };
}

/**
 * Renames a service in every file that writes it, and points every `depends_on` and `links` of every file at its new
 * name: docker merges services by name, so a file that kept the old name would add a service of that name.
 */
function renameEverywhere(edits: LayeredEdits, from: string, to: string): void {
  for (const writer of edits.writers(from)) edits.editsOf(writer).renameService(writer.service, to);
  for (const index of edits.referringTo(from)) edits.editsOf({ index }).renameReferences(from, to);
}

function alsoEdited(file: string, services: string[]): string {
  return (
    `${services.join(", ")}: ${file} is edited too: docker's merge of -c files only adds to a service's ` +
    "networks and ports, so what the rewrite takes away is taken away in the file that writes it"
  );
}

function readBack(
  files: string[],
  outputs: string[],
  options: Omit<RewriteOptions, "file">,
  where: SourcePosition,
): LayeredModel {
  try {
    return loadLayers(
      files.map((file, index) => ({ file, text: outputs[index]! })),
      options,
    );
  } catch (error) {
    if (!(error instanceof StackmodError)) throw error;
    throw new StackmodError(
      "INTERNAL",
      `stackmod's layered rewrite is wrong: its files do not read back (${error.code} at ${error.file}:` +
        `${error.line}: ${error.message}); nothing was written. This is a bug in stackmod: please report it`,
      where,
    );
  }
}

function cannotWrite(service: string, where: SourcePosition, what: string, written: SourcePosition[]): StackmodError {
  const text = (p: SourcePosition) => `${p.file}:${p.line}:${p.column}`;
  const at = `${text(where)}; the service is written at ${written.map(text).join(" and ")}`;
  return new StackmodError(
    "UNSUPPORTED",
    `service "${service}" is refused only once the files are merged (at ${at}), and its rewrite ${what}, ` +
      "which stackmod cannot write back into the -c files: write the service's `networks:` (and `ports:`) " +
      "in one of the files, or rewrite the merged file from `docker stack config -c ... -c ...`",
    where,
  );
}

/**
 * A service one file's rewrite renames (split's `-collector`, `-processor`) that another -c file writes too: that
 * file's entry would be merged by docker into a service of the old name on its own (its networks, no image).
 */
function renamedWhereOthersWrite(
  stack: LayeredModel,
  mid: LayeredModel,
  files: readonly RewriteResult[],
  findings: Finding[],
): void {
  for (const [index, result] of files.entries()) {
    const kept = new Set(mid.layers[index]!.services.map((s) => s.name));
    for (const { service } of result.applied) {
      if (kept.has(service)) continue;
      const others = mid.layers.flatMap((model, other) =>
        other === index ? [] : model.services.filter((s) => s.name === service).map((s) => s.position),
      );
      if (others.length === 0) continue;
      const where = findings.find((f) => f.service === service && f.file === result.file) ?? others[0]!;
      const at = others.map((p) => `${p.file}:${p.line}:${p.column}`).join(" and ");
      throw new StackmodError(
        "UNSUPPORTED",
        `service "${service}" is rewritten in ${result.file} under other names, but ${at} writes it too, and ` +
          `docker would merge what is written there into a service "${service}" of its own: write the service in ` +
          "one of the files, or rewrite the merged file from `docker stack config -c ... -c ...`",
        where,
      );
    }
  }
}

function spansFiles(service: string, findings: Finding[], file: string): StackmodError {
  const finding =
    findings.find((f) => f.service === service && f.file === file) ?? findings.find((f) => f.service === service)!;
  return new StackmodError(
    "UNSUPPORTED",
    `service "${service}" is refused only once the files are merged (its ${finding.rule} is here, its other ` +
      "networks or ports come from another file); stackmod edits one file at a time: write the service's " +
      `\`networks:\` (and \`ports:\`) in one of the files, or rewrite the merged file from \`docker stack ` +
      `config -c ... -c ...\``,
    finding,
  );
}
