import { isMap, isScalar, type Node, type Pair, type YAMLMap } from "yaml";
import { StackmodError } from "../errors.js";
import { isOwn } from "../parse/resolve.js";
import type { StackModel } from "../model/types.js";
import type { YamlEditor } from "./yaml-editor.js";
import { flow, scalar, type Plain } from "./render.js";
import { keyStart } from "./style.js";

/**
 * Top-level declarations (`networks:`, `volumes:`, `secrets:`) the strategies need,
 * collected over the whole run and written once at the end: several services may
 * add to one section, and sections that do not exist yet are created once, after
 * everything added to the existing ones.
 */
export class TopLevelDeclarations {
  private readonly sections = new Map<string, Map<string, Plain>>();

  constructor(
    private readonly model: StackModel,
    private readonly editor: YamlEditor,
  ) {}

  /** True when the file or this run already declares `section.key`. */
  has(section: string, key: string): boolean {
    if (this.sections.get(section)?.has(key)) return true;
    const entry = this.model.resolver.get(this.model.parsed.root, section);
    return isMap(entry?.value) && this.model.resolver.get(entry.value, key) !== undefined;
  }

  /** Declares `section.key` unless the file or this run already does. */
  declare(section: string, key: string, body: Plain): void {
    if (this.has(section, key)) return;
    if (!this.sections.has(section)) this.sections.set(section, new Map());
    this.sections.get(section)!.set(key, body);
  }

  write(): void {
    const fresh: [string, Map<string, Plain>][] = [];
    for (const [section, declarations] of this.sections) {
      const entry = this.model.resolver.get(this.model.parsed.root, section);
      const empty = !entry || entry.value === null || (isScalar(entry.value) && entry.value.value === null);
      if (empty) fresh.push([section, declarations]);
      else if (isOwn(entry) && isMap(entry.value)) this.addTo(entry.value, declarations);
      else {
        throw new StackmodError(
          "UNSUPPORTED",
          `stackmod must declare ${[...declarations.keys()].map((key) => `${section}.${key}`).join(", ")}, ` +
            `but the top-level \`${section}:\` is not a mapping written in this file; add them yourself`,
          this.model.positionOf(entry.pair.key as Node),
        );
      }
    }
    for (const [section, declarations] of fresh) this.create(section, declarations);
  }

  /** Adds to an existing section in its own style: flow stays flow, one-line entries stay one line. */
  private addTo(map: YAMLMap, declarations: Map<string, Plain>): void {
    const entries = [...declarations];
    if (map.flow) {
      this.editor.addPairs(map, entries);
      return;
    }
    const oneLine = map.items.length > 0 && map.items.every((pair) => isFlowCollection(pair.value));
    if (!oneLine) {
      for (const [key, body] of entries) this.editor.addPair(map, key, body);
      return;
    }
    const { source } = this.editor;
    const column = source.indentAt(keyStart(source, map.items[0]!));
    const lines = entries.map(([key, body]) =>
      isFlat(body)
        ? `${" ".repeat(column)}${scalar(key)}: ${flow(body)}`
        : this.editor.render({ [key]: body }, column).join(source.eol),
    );
    const last = map.items[map.items.length - 1]!;
    this.editor.insertLines(this.editor.blockEnd(last.value as Node), lines);
  }

  /** A new section at the end of the file, spaced like the file's other top-level keys. */
  private create(section: string, declarations: Map<string, Plain>): void {
    const root = this.model.parsed.root;
    const entry = this.model.resolver.get(root, section);
    const body = Object.fromEntries(declarations);
    if (entry) {
      this.editor.replacePair(root, entry.pair, section, body);
      return;
    }
    const last = root.items[root.items.length - 1]!;
    const previous = root.items[root.items.length - 2];
    const text = this.model.parsed.source.text;
    const spaced =
      previous !== undefined &&
      /\n[ \t]*\r?\n/.test(text.slice(endOf(this.editor, previous) - 1, keyStart(this.editor.source, last)));
    this.editor.insertLines(endOf(this.editor, last), [
      ...(spaced ? [""] : []),
      ...this.editor.render({ [section]: body }, 0),
    ]);
  }
}

function endOf(editor: YamlEditor, pair: Pair): number {
  return editor.blockEnd((pair.value as Node | null) ?? (pair.key as Node));
}

function isFlowCollection(value: unknown): boolean {
  return (value as { flow?: boolean } | null)?.flow === true;
}

function isFlat(body: Plain): boolean {
  return (
    body !== null &&
    typeof body === "object" &&
    !Array.isArray(body) &&
    Object.values(body).every((v) => v === null || typeof v !== "object")
  );
}
