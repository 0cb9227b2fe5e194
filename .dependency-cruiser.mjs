// The pipeline's stages, lowest first: a module may import its own stage or a lower one, never a higher one.
const stages = [
  "src/(errors|exit-codes|version|zod)\\.ts$",
  "src/parse/",
  "src/model/",
  "src/edit/",
  "src/rules/",
  "src/analysis/",
  "src/strategies/",
  "src/plan/",
  "src/emit/",
  "src/(check|rewrite)\\.ts$",
  "src/layered/",
  "src/io/",
  "src/index\\.ts$",
  "src/audit/",
  "src/cli/",
];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: "edit-through-service-edits",
      severity: "error",
      comment:
        "Strategies and fixes edit text through ServiceEdits only: it owns the editor and guards shared anchors.",
      from: { pathNot: "^src/edit/" },
      to: {
        path: "^src/edit/(yaml-editor|text-edits|top-level|shared-nodes)\\.ts$",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle: the stages no longer read bottom-up.",
      from: {},
      to: { circular: true },
    },
    ...stages.flatMap((from, i) =>
      stages.slice(i + 1).map((to) => ({
        name: "stage-order",
        severity: "error",
        comment: `A lower stage (${from}) imports a higher one (${to}).`,
        from: { path: from },
        // A report may name the result types of check() and rewrite(): types are not a run-time import.
        to:
          from === "src/emit/" && to.includes("check|rewrite")
            ? { path: to, dependencyTypesNot: ["type-only"] }
            : { path: to },
      })),
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
