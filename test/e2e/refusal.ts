// The engine's refusal of a task on the host network plus another network, by engine version.
// 28.x checks at container start (the text in src/rules/engine-texts.ts); 20.10 refuses when Swarm connects the task's
// second
// network, and Swarm always creates the container on the overlay first and connects `host` second
// (whatever the key names or their order), so 20.10 says ErrConflictHostNetwork.
export const SHARED_NS =
  "container sharing network namespace with another container or host cannot be connected to any other network";
export const HOST_NET = "container cannot be disconnected from host network or connected to host network";
export const REFUSAL = /connected to (any other network|host network)/;
export const expectedRefusal = (serverVersion: string) => (parseInt(serverVersion, 10) >= 25 ? SHARED_NS : HOST_NET);
export const CONNECT_HOST = "cannot connect container to host network - container must be created in host network mode";
/** Every text an engine of this version may show for it: which one depends on the order of the attachments. */
export const possibleRefusals = (serverVersion: string) => {
  const [major = 0, minor = 0, patch = 0] = serverVersion.split(/[.+~-]/).map((x) => parseInt(x, 10) || 0);
  const since2802 = major > 28 || (major === 28 && (minor > 0 || patch >= 2));
  return since2802 ? [SHARED_NS, CONNECT_HOST] : [SHARED_NS, HOST_NET];
};
