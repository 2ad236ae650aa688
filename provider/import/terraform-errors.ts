// The two ways evaluating Terraform configuration can stop: a value only Terraform or AWS knows
// (the user supplies it with --param), and an expression that cannot be evaluated as written.

/** A value only known to Terraform or AWS: `accessor` is the `--param` key that supplies it. */
export class Unknowable extends Error {
  constructor(readonly accessor: string, why: string) {
    super(`${why}; pass --param ${accessor}=<value>`);
  }
}

/** An expression that cannot be evaluated as written (wrong type, unknown function, budget). */
export class EvaluationError extends Error {}
