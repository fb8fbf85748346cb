import { SwampError } from "../../core/errors.ts";

/** Awaits a call that must fail with a SwampError, and returns that error. */
export async function swampFailure(promise: Promise<unknown>): Promise<SwampError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof SwampError)) throw new Error(`expected a SwampError, got ${String(error)}`);
  return error;
}
