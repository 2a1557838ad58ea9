// proto3 JSON values: what the builders produce and the codec encodes. Pure (types only), so the
// builders in envoy/ can name them without importing the codec.

/** A proto3 JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
