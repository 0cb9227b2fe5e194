// An ESLint rule for what a comment must not carry (eslint.config.js turns it on for every file ESLint reads):
// what leads nowhere on a fresh clone, and figures of one run on one day. A comment says why the code is
// as it is; an issue thread, a section of a spec kept elsewhere or a work session is not in the repository,
// and a measurement belongs in bench/README.md beside its command and machine, where it is kept current.

const month = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*";
/** A date: 2026-12-02, 2 December 2026, Dec 2, 2026, or a time of day in UTC. */
const date = new RegExp(
  [
    String.raw`\b(19|20)\d\d-[01]\d-[0-3]\d\b`,
    String.raw`\b\d{1,2} ${month} (19|20)\d\d\b`,
    String.raw`\b${month} \d{1,2},? (19|20)\d\d\b`,
    String.raw`\b[0-2]\d:[0-5]\d ?UTC\b`,
  ].join("|"),
);
/** A measured figure: a time, a size, a ratio or a share. */
const figure = /\b\d+([.,]\d+)* ?(ns|µs|us|ms|s|sec|seconds|min|minutes|KiB|MiB|GiB|KB|MB|GB|×|%)(?![\w])/;

/** @type {{ pattern: RegExp, message: string }[]} */
const refused = [
  {
    pattern: /\bissues? #?\d+/i,
    message: "an issue number leads nowhere on a clone: say what the issue said, or link the thread (owner/repo#N)",
  },
  {
    pattern: /\bSPEC\s*(sections?\b|§)/i,
    message:
      "a SPEC section is not in the repository: say what it says, or point at the file of this repo or the engine",
  },
  {
    pattern: /\b(session|stop|round|phase) \d+\b/i,
    message: "a work session, stop or round leads nowhere on a clone: say why the code is so",
  },
];

/** @type {import("eslint").Rule.RuleModule} */
const noHistory = {
  meta: {
    type: "suggestion",
    docs: { description: "comments say why, without references that lead nowhere or dated figures" },
    schema: [],
  },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const text = comment.value;
          for (const { pattern, message } of refused)
            if (pattern.test(text))
              context.report({ loc: comment.loc, message: `${message} (${pattern.exec(text)[0]})` });
          if (date.test(text) && figure.test(text))
            context.report({
              loc: comment.loc,
              message:
                `a dated figure (${date.exec(text)[0]}, ${figure.exec(text)[0]}) is a measurement: ` +
                "it goes in bench/README.md with its command and machine; the comment says why",
            });
        }
      },
    };
  },
};

export default { rules: { "no-history": noHistory } };
