// What the tests need to know about one queue kind, beside what src/strategies/split/queues/ says about it: how to
// run its Debian broker as a private process (test/brokers/brokers.ts), and how the real-engine scenario packs
// that broker into an image (test/e2e/cluster/split.cluster.test.ts). Each kind's folder here holds this file's
// `BrokerSetup` (broker.ts), a Node client for its scheme (client.mjs) and the shell app's protocol (app.sh).
import type { ImageSpec } from "../../e2e/images.js";

/** One process of a broker. */
export interface BrokerProcess {
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Its stdout and stderr go to this file in the broker's directory. */
  logName: string;
}

/** How to run one private broker. */
export interface BrokerPlan {
  /** Started in order; the last one is the broker whose port the tests wait for. */
  procs: BrokerProcess[];
  /** QUEUE_URL for this broker, with the credentials when it has any. */
  url: string;
  /** The credentials a client gives, of those in `BrokerContext.credentials` (Redis takes no user). */
  user?: string;
  password?: string;
  /** SIGTERM grace before SIGKILL. */
  graceMs: number;
}

/** What `plan` is given. */
export interface BrokerContext {
  /** The broker program, found from `BrokerSetup.binary`. */
  bin: string;
  /** A private directory, removed when the broker stops. */
  dir: string;
  /** The 127.0.0.1 port the broker must listen on. */
  port: number;
  /** Set when the broker must require them: always for a kind whose `auth` is `required`. */
  credentials: { user: string; password: string } | undefined;
  freePort(): Promise<number>;
  findBinary(name: string): string | undefined;
}

export interface BrokerSetup {
  /** The broker program of the kind's `debianPackage`: a name on PATH (with /usr/sbin) or an absolute path. */
  binary: string;
  /** The processes, files and URL of a private broker on `ctx.port`. */
  plan(ctx: BrokerContext): Promise<BrokerPlan> | BrokerPlan;
  /** How long a start may take before the test gives up (a JVM or BEAM broker takes seconds). */
  startTimeoutMs: number;
  /** True when a message published while no processor is subscribed is delivered once one starts. */
  keepsUnconsumed: boolean;
  /** A stand-in for the kind's pinned image, from Debian's binaries, behaving as that image does by default. */
  standIn: ImageSpec;
  /** Client programs the shell app (app.sh) runs, and the Debian packages they come from (.ci/install-e2e.sh). */
  appTools: { binaries: string[]; debianPackages: string[] };
}
