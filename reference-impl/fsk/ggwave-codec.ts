/**
 * One ggwave module's encoder and decoder, used by one worker thread (a module is single-threaded
 * state). It keeps within ggwave's limit of 4 instances per module: one cached TX instance, plus
 * one RX instance created and freed inside each decode, because RX state persists per instance (a
 * streaming decoder) and a stateless /decode must not see the last request.
 *
 * Both run at 48 kHz only; callers resample. ggwave 0.4's own TX resampler writes past its buffer
 * when the output rate is above 48 kHz: at 72 or 96 kHz the wasm heap is corrupted and a later call
 * dies with "memory access out of bounds" (measured: the 132nd of 150 mixed encodes).
 */
import type { GgwaveModule } from 'ggwave';
import { FskError } from './fsk-error.ts';
import { GGWAVE_SAMPLE_RATE, type FskProtocol } from './protocols.ts';

export class GgwaveCodec {
  private readonly gg: GgwaveModule;
  private tx: number | undefined;
  private rxEnabled = '';

  constructor(gg: GgwaveModule) {
    this.gg = gg;
  }

  /** Little-endian 16-bit PCM at 48 kHz of the payload sent with protocol `p`, copied out of wasm memory. */
  encodePcm16(payload: Uint8Array, p: FskProtocol, volume: number): Uint8Array {
    const instance = this.txInstance();
    const view = this.gg.encode(instance, payload, this.protocolId(p), volume);
    if (view.length === 0) throw new FskError(500, 'internal', `ggwave produced no audio for a ${payload.length}-byte payload (${p.name})`);
    // the view aliases a static buffer the next encode overwrites, and wasm memory may grow (detaching it)
    return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  }

  /**
   * The payload ggwave finds in 48 kHz float samples when only `protocols` are enabled for
   * reception; empty when it finds none.
   */
  decode(samples: Float32Array, protocols: readonly FskProtocol[]): Uint8Array {
    this.enableRx(protocols);
    const gg = this.gg;
    const params = gg.getDefaultParameters();
    params.operatingMode = gg.GGWAVE_OPERATING_MODE_RX;
    params.sampleFormatInp = gg.SampleFormat.GGWAVE_SAMPLE_FORMAT_F32!;
    params.sampleRateInp = GGWAVE_SAMPLE_RATE;
    const instance = this.init(params);
    try {
      const out = gg.decode(instance, new Int8Array(samples.buffer, samples.byteOffset, samples.byteLength));
      return Uint8Array.from(out, (b) => b & 0xff);
    } finally {
      gg.free(instance);
    }
  }

  /** Frees the cached TX instance. */
  dispose(): void {
    if (this.tx !== undefined) this.gg.free(this.tx);
    this.tx = undefined;
  }

  private txInstance(): number {
    if (this.tx !== undefined) return this.tx;
    const params = this.gg.getDefaultParameters();
    params.operatingMode = this.gg.GGWAVE_OPERATING_MODE_TX;
    params.sampleFormatOut = this.gg.SampleFormat.GGWAVE_SAMPLE_FORMAT_I16!;
    params.sampleRateOut = GGWAVE_SAMPLE_RATE;
    this.tx = this.init(params);
    return this.tx;
  }

  private init(params: ReturnType<GgwaveModule['getDefaultParameters']>): number {
    const instance = this.gg.init(params);
    if (instance < 0) throw new FskError(500, 'internal', 'ggwave refused a new instance (4 exist already): an instance leaked');
    return instance;
  }

  private enableRx(protocols: readonly FskProtocol[]): void {
    const key = protocols.map((p) => p.ggwaveId).sort().join(',');
    if (key === this.rxEnabled) return;
    const wanted = new Set(protocols.map((p) => p.ggwaveId));
    // the toggle is module-wide and covers the CUSTOM_* slots too, so set every id explicitly
    for (const [id, value] of Object.entries(this.gg.ProtocolId)) {
      if (id.startsWith('GGWAVE_PROTOCOL_')) this.gg.rxToggleProtocol(value, wanted.has(id) ? 1 : 0);
    }
    this.rxEnabled = key;
  }

  private protocolId(p: FskProtocol) {
    const id = this.gg.ProtocolId[p.ggwaveId];
    if (id === undefined) throw new FskError(500, 'internal', `this ggwave build has no ${p.ggwaveId}`);
    return id;
  }
}
