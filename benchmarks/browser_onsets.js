// AudioWorklet of benchmarks/browser_probe.js: input 0 is the page's microphone stream, input 1
// Viva's stream. Posts every onset, sample-accurate on the AudioContext clock: the first sample
// above -40 dBFS (LEVEL, as benchmarks/speech_marks.py) after at least QUIET_S of quiet, with the
// last loud sample before it.
const LEVEL = 0.01;
const QUIET_S = [0.25, 0.15]; // microphone: gaps between words are not onsets; Viva: sentence gaps are

class Onsets extends AudioWorkletProcessor {
  constructor() {
    super();
    this.last = [-1e12, -1e12];
    this.quiet = QUIET_S.map((s) => s * sampleRate);
  }

  process(inputs) {
    for (let k = 0; k < 2; k++) {
      const channels = inputs[k];
      if (!channels || channels.length === 0) continue;
      const data = channels[0];
      for (let i = 0; i < data.length; i++) {
        if (Math.abs(data[i]) > LEVEL) {
          const at = currentFrame + i;
          if (at - this.last[k] >= this.quiet[k]) this.port.postMessage({ input: k, onset: at, quietFrom: this.last[k] });
          this.last[k] = at;
        }
      }
    }
    return true;
  }
}

registerProcessor('viva-onsets', Onsets);
