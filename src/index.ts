/** stackmod as a library: pure functions over a file's text, plus file helpers. */
export { check, type CheckOptions, type CheckResult } from "./check.js";
export { rewrite, type RewriteOptions, type RewriteResult, type Applied, type Skipped, type Note } from "./rewrite.js";
export { StackmodError, isStackmodError, type ErrorCode, type SourcePosition } from "./errors.js";
export type { Severity } from "./rules/rule.js";
export { rules, type Finding, type RuleId } from "./rules/index.js";
export type { Transform, PortRequest, ExtraFile } from "./strategies/strategy.js";
export { transforms, type StrategyName } from "./strategies/index.js";
export { checkExtraFile, writeExtraFile, type ExtraFileContext, type ExtraFileWrite } from "./io/extra-files.js";
export {
  checkFiles,
  rewriteFile,
  expandPaths,
  readSource,
  writeFileAtomic,
  type RewriteFileOptions,
  type CheckFilesOptions,
} from "./io/files.js";
export { parseEnvFile, type Environment } from "./model/interpolate.js";
export type { RawOptions } from "./plan/options.js";
export type { StackmodOptions, ServiceOptions, PortSpec } from "./plan/option-types.js";
export type { Dialect } from "./model/types.js";
export { exitCodes, type ExitCode } from "./exit-codes.js";
export { formatFinding, formatError } from "./emit/text.js";
export { version } from "./version.js";
