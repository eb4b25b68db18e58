/**
 * JSON a test or benchmark reads without a schema (an HTTP answer, a fixture it mutates) to assert
 * on: any field, unchecked; the test's expect() is the check. The one `any` of the repository, on
 * purpose, and only for tests and benchmarks (source never imports testing/).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;
