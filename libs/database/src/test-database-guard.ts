/** Tests may only touch databases whose name says they are for tests. */
export function assertTestDatabaseName(name: string): void {
  if (!/(^|_)test(_|$)|_test_/i.test(name)) {
    throw new Error(`Refusing to use database "${name}" for tests: its name must contain "test" (e.g. tablecast_test_1)`);
  }
}
