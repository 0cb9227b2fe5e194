import { describe, expect, it } from "vitest";
import { TextEdits } from "../../src/edit/text-edits.js";

const text = "0123456789";

function applied(build: (edits: TextEdits) => void, original = text): string {
  const edits = new TextEdits();
  build(edits);
  return edits.apply(original);
}

describe("TextEdits", () => {
  it("leaves the text as it is with no edits, byte for byte", () => {
    expect(applied(() => {}, "a:\r\n  b: 1\r\n\uFEFF")).toBe("a:\r\n  b: 1\r\n\uFEFF");
  });

  it("applies replacements, insertions and deletions against the original offsets, whatever the order added", () => {
    const out = applied((edits) => {
      edits.add(7, 9, "X");
      edits.insert(0, "<");
      edits.add(2, 4, "");
      edits.insert(10, ">");
    });
    expect(out).toBe("<01456X9>");
  });

  it("keeps insertions at one offset in the order they were added", () => {
    expect(
      applied((edits) => {
        edits.insert(5, "a");
        edits.insert(5, "b");
        edits.insert(5, "c");
      }),
    ).toBe("01234abc56789");
  });

  it("puts what is added inside ahead() before the insertions already at that offset", () => {
    const edits = new TextEdits();
    edits.insert(5, "late");
    const value = edits.ahead(() => {
      edits.insert(5, "first");
      edits.insert(5, "second");
      return 42;
    });
    edits.insert(5, "last");
    expect(value).toBe(42);
    expect(edits.apply(text)).toBe("01234firstsecondlatelast56789");
  });

  it("leaves ahead() when its function throws", () => {
    const edits = new TextEdits();
    edits.insert(5, "a");
    expect(() =>
      edits.ahead(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    edits.insert(5, "b");
    expect(edits.apply(text)).toBe("01234ab56789");
  });

  it("puts an insertion at the start of a replacement before it and one at its end after it", () => {
    expect(
      applied((edits) => {
        edits.add(3, 6, "R");
        edits.insert(6, "]");
        edits.insert(3, "[");
      }),
    ).toBe("012[R]6789");
  });

  it("refuses two replacements that overlap, naming the offset", () => {
    const edits = new TextEdits();
    edits.add(2, 6, "A");
    edits.add(4, 8, "B");
    expect(() => edits.apply(text)).toThrow("internal: overlapping edits at offset 4");
  });

  it("refuses an insertion strictly inside a replacement", () => {
    const edits = new TextEdits();
    edits.add(2, 6, "A");
    edits.insert(4, "B");
    expect(() => edits.apply(text)).toThrow("internal: overlapping edits at offset 4");
  });

  it("removes both of two deletions that share text (a list item and its neighbour's comma)", () => {
    expect(
      applied((edits) => {
        edits.add(2, 6, "");
        edits.add(4, 8, "");
      }),
    ).toBe("0189");
  });

  it("drops an edit inside text that a deletion removes, but keeps insertions at the deletion's ends", () => {
    expect(
      applied((edits) => {
        edits.add(4, 5, "X");
        edits.add(2, 8, "");
        edits.add(2, 8, "");
        edits.insert(5, "inside");
        edits.insert(2, "<");
        edits.insert(8, ">");
      }),
    ).toBe("01<>89");
  });

  it("asks the guard about every edit before recording it; a refused edit is not recorded", () => {
    const edits = new TextEdits();
    const asked: [number, number][] = [];
    edits.guard = (start, end) => {
      asked.push([start, end]);
      if (start === 3) throw new Error("refused");
    };
    edits.insert(1, "a");
    edits.add(5, 7, "b");
    expect(() => edits.add(3, 4, "c")).toThrow("refused");
    expect(asked).toEqual([
      [1, 1],
      [5, 7],
      [3, 4],
    ]);
    expect(edits.size).toBe(2);
    expect(edits.list().map(({ start, end, text }) => ({ start, end, text }))).toEqual([
      { start: 1, end: 1, text: "a" },
      { start: 5, end: 7, text: "b" },
    ]);
    expect(edits.apply(text)).toBe("0a1234b789");
  });

  it("can be applied twice with the same result", () => {
    const edits = new TextEdits();
    edits.add(0, 1, "A");
    edits.insert(10, "!");
    expect(edits.apply(text)).toBe("A123456789!");
    expect(edits.apply(text)).toBe("A123456789!");
  });

  it("maps each offset of the result back: kept text to where it was, inserted text to where it went in", () => {
    const edits = new TextEdits();
    edits.insert(2, "ab");
    edits.add(4, 7, "X");
    edits.add(8, 9, "");
    edits.add(8, 10, "");
    const result = edits.apply(text);
    expect(result).toBe("01ab23X7");
    const back = edits.backMap();
    expect([...result].map((_, offset) => back(offset))).toEqual([0, 1, 2, 2, 2, 3, 4, 7]);
    expect(back(result.length)).toBe(text.length);
  });
});
