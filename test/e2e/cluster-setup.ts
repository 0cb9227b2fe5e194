// Vitest global setup for the cluster suite: one three-node Swarm for the whole run (cluster.ts), its images
// imported into every node, always torn down (setupRun: also on Ctrl-C; a killed run is cleaned up by the next).
import type { TestProject } from "vitest/node";
import { startCluster } from "./cluster.js";
import { SOCAT_TAGS, setupRun } from "./global-setup.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { timed } from "./timing.js";

export default function setup(project: TestProject) {
  return setupRun(project, async () => {
    const cluster = await startCluster();
    await timed(cluster.dir, "build images (every node)", () => buildImage(cluster.nodes, SOCAT_TAGS, SOCAT_IMAGE));
    const { serverVersion, clientVersion } = cluster.manager;
    return {
      context: { cluster },
      dir: cluster.dir,
      version: `${serverVersion} x${cluster.nodes.length}`,
      cli: clientVersion,
    };
  });
}
