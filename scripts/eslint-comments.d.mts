import type { ESLint } from "eslint";

/** The plugin eslint.config.js loads: its one rule, `no-history`. */
declare const comments: ESLint.Plugin;
export default comments;
