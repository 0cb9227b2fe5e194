/** Docker's own rule for service, network and stack names (moby `RestrictedNamePattern`). */
export const dockerNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
