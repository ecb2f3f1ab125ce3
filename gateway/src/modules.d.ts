// CommonJS packages without types; firmata-valves.ts types the few parts of them it uses.
declare module 'johnny-five' {
  const five: unknown;
  export default five;
}
declare module 'firmata-io' {
  const firmataIo: unknown;
  export default firmataIo;
}
