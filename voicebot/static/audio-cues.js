// WebAudio: short cue beeps (no audio files) and level meters (AnalyserNode) for the mic and Viva's voice.

let context = null;
let cuesEnabled = true;

/** The shared AudioContext; call first from a click/keypress so browsers let it run. */
export function audioContext() {
  if (!context) {
    const Ctor = window.AudioContext || window.webkitAudioContext;
    if (!Ctor) return null;
    try {
      context = new Ctor();
    } catch (err) {
      console.warn('viva: no AudioContext', err);
      return null;
    }
  }
  if (context.state === 'suspended') context.resume().catch(() => {});
  return context;
}

export function setCuesEnabled(enabled) {
  cuesEnabled = !!enabled;
}

function tone(ctx, { from, to, at, duration, volume = 0.09 }) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'sine';
  osc.frequency.setValueAtTime(from, at);
  osc.frequency.linearRampToValueAtTime(to, at + duration);
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(volume, at + 0.012);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + duration);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + duration + 0.02);
  osc.onended = () => {
    osc.disconnect();
    gain.disconnect();
  };
}

/** 'listen': Viva starts listening (two rising notes). 'heard': Viva stopped listening (one falling note). */
export function cue(kind) {
  if (!cuesEnabled) return;
  const ctx = audioContext();
  if (!ctx || ctx.state !== 'running') return;
  const t = ctx.currentTime + 0.01;
  try {
    if (kind === 'listen') {
      tone(ctx, { from: 660, to: 660, at: t, duration: 0.08 });
      tone(ctx, { from: 880, to: 880, at: t + 0.1, duration: 0.1 });
    } else if (kind === 'heard') {
      tone(ctx, { from: 740, to: 520, at: t, duration: 0.14 });
    }
  } catch (err) {
    console.warn('viva: cue failed', err);
  }
}

/** Level of a MediaStream through an AnalyserNode (not connected to the speakers). */
export class LevelMeter {
  constructor(stream) {
    this.analyser = null;
    this.source = null;
    const ctx = audioContext();
    if (!ctx || !stream || stream.getAudioTracks().length === 0) return;
    try {
      this.source = ctx.createMediaStreamSource(stream);
      this.analyser = ctx.createAnalyser();
      this.analyser.fftSize = 1024;
      this.analyser.smoothingTimeConstant = 0.2;
      this.source.connect(this.analyser);
      this.buffer = new Float32Array(this.analyser.fftSize);
    } catch (err) {
      console.warn('viva: level meter unavailable', err);
      this.analyser = null;
    }
  }

  /** {rms, peak} of the latest window, both linear 0..1. */
  read() {
    if (!this.analyser) return { rms: 0, peak: 0 };
    this.analyser.getFloatTimeDomainData(this.buffer);
    let sum = 0;
    let peak = 0;
    for (const v of this.buffer) {
      sum += v * v;
      const a = v < 0 ? -v : v;
      if (a > peak) peak = a;
    }
    return { rms: Math.sqrt(sum / this.buffer.length), peak: Math.min(1, peak) };
  }

  /** 0..1 on a -60…0 dBFS scale: what a meter should show. */
  meterValue() {
    const { rms } = this.read();
    if (rms <= 0) return 0;
    const db = 20 * Math.log10(rms);
    return Math.max(0, Math.min(1, (db + 60) / 60));
  }

  close() {
    try {
      if (this.source) this.source.disconnect();
    } catch { /* already gone */ }
    this.source = null;
    this.analyser = null;
  }
}
