import { StackmodError } from "../../src/index.js";

/** The StackmodError that `run` throws; any other outcome fails the test. */
export function stackmodErrorOf(run: () => unknown): StackmodError {
  try {
    run();
  } catch (error) {
    if (error instanceof StackmodError) return error;
    throw error;
  }
  throw new Error("expected a StackmodError");
}
