// Types for the RE2 engine of the `re2-wasm` package, loaded without its JavaScript-syntax wrapper
// (re2-syntax.ts says why). The module is CommonJS and exports one object.
declare module 're2-wasm/build/wasm/re2.js' {
  interface WrappedRE2 {
    ok(): boolean;
    error(): string;
    /** Frees the compiled pattern in the WebAssembly heap. */
    delete(): void;
  }
  const re2: {
    WrappedRE2: new (pattern: string, ignoreCase: boolean, multiline: boolean, dotAll: boolean) => WrappedRE2;
  };
  export default re2;
}
