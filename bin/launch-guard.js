"use strict";
const { readFileSync, realpathSync } = require("node:fs");

/**
 * Started as `node bin/stackmod.js --env-file F` (no `--` before the script), Node.js has
 * already read F as its own env file, NODE_OPTIONS line included, before this runs. Where
 * the command line can be read back (Linux: /proc/self/cmdline), that run stops with exit 2
 * and says how to start stackmod instead; its variables are not used.
 */
function refuseUnguardedEnvFile(argv, script) {
  // Node.js (20.20 here, 22.9 and later) also acts on --env-file-if-exists, the same way.
  const asked = argv.slice(2).find((arg) => /^--env-file(?:-if-exists)?(?:=|$)/.test(arg));
  if (!asked) return false;
  const words = commandLine();
  if (!words) return false;
  const at = words.findIndex((word, index) => index > 0 && sameFile(word, script));
  if (at < 0 || words.slice(1, at).includes("--")) return false;
  process.stderr.write(
    `<command line>:1:1: error USAGE: ${asked.split("=")[0]} reached Node.js before stackmod: Node.js 20 and later ` +
      "read an --env-file anywhere on their own command line (a NODE_OPTIONS line in it applies to Node itself), " +
      "so this run stops. Start stackmod as `stackmod ...` or `npx stackmod ...`, or with `node -- " +
      words[at] +
      " ...`\n",
  );
  process.exitCode = 2;
  return true;
}

function commandLine() {
  try {
    return readFileSync("/proc/self/cmdline", "utf8").split("\0").slice(0, -1);
  } catch {
    return undefined;
  }
}

function sameFile(word, script) {
  try {
    return realpathSync(word) === realpathSync(script);
  } catch {
    return false;
  }
}

module.exports = { refuseUnguardedEnvFile };
