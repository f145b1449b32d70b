/**
 * Types for npm `ggwave` 0.4.0 (an emscripten --bind build with no .d.ts), limited to what the fsk
 * component calls. Enum members are embind objects, passed back to the module as they are.
 */
declare module 'ggwave' {
  /** An embind enum member, e.g. `module.ProtocolId.GGWAVE_PROTOCOL_AUDIBLE_FAST`. */
  export interface GgwaveEnumValue { readonly value: number }

  export interface GgwaveParameters {
    payloadLength: number;
    sampleRateInp: number;
    sampleRateOut: number;
    sampleRate: number;
    samplesPerFrame: number;
    soundMarkerThreshold: number;
    sampleFormatInp: GgwaveEnumValue;
    sampleFormatOut: GgwaveEnumValue;
    operatingMode: number;
  }

  export interface GgwaveModule {
    readonly SampleFormat: Readonly<Record<string, GgwaveEnumValue>>;
    readonly ProtocolId: Readonly<Record<string, GgwaveEnumValue>>;
    readonly GGWAVE_OPERATING_MODE_RX: number;
    readonly GGWAVE_OPERATING_MODE_TX: number;
    getDefaultParameters(): GgwaveParameters;
    /** an instance id, or -1 once 4 instances exist */
    init(parameters: GgwaveParameters): number;
    free(instance: number): void;
    /** a VIEW into wasm memory, overwritten by the next encode: copy it */
    encode(instance: number, data: string | Uint8Array, protocol: GgwaveEnumValue, volume: number): Int8Array;
    /** a view of a static 256-byte buffer; length 0 when no message was found */
    decode(instance: number, samples: Int8Array | Uint8Array): Int8Array;
    /** module-wide (not per instance): applies to every decode that follows */
    rxToggleProtocol(protocol: GgwaveEnumValue, state: 0 | 1): void;
    disableLog(): void;
  }

  export interface GgwaveFactoryOptions {
    print?(text: string): void;
    printErr?(text: string): void;
  }

  const factory: (options?: GgwaveFactoryOptions) => Promise<GgwaveModule>;
  export default factory;
}
