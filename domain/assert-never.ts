/**
 * Exhaustiveness check for `switch` statements over discriminated unions.
 * The compiler rejects any call whose argument is not `never`; at run time it
 * throws, since reaching it means a value escaped the type system.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
