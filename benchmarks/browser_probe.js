// Injected before the page's own scripts (Playwright add_init_script) by benchmarks/browser_learner.py.
// It taps, on one AudioContext clock, the page's microphone stream (after Chromium's echo
// canceller, noise suppression and gain control: what is sent to Viva) and Viva's remote stream
// (after the jitter buffer: what the learner hears). An AudioWorklet looks at every sample and
// records onsets, sample-accurate (browser_onsets.js). Data-channel messages are stamped on the same clock. The page is not changed.
(() => {
  const probe = { ready: false, rate: 0, mic: [], voice: [], voiceLastLoud: [], messages: [], errors: [] };
  window.__vivaProbe = probe;
  let ctx = null;
  let node = null;
  const pendingSources = [];

  // The benchmark prepends the worklet's source (browser_onsets.js) as window.__vivaOnsetsSource
  // and opens the page with CSP bypassed, so the module can load from a blob: URL.
  const source = window.__vivaOnsetsSource;

  async function start() {
    if (ctx) return;
    ctx = new AudioContext({ latencyHint: 'interactive' });
    probe.rate = ctx.sampleRate;
    await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    node = new AudioWorkletNode(ctx, 'viva-onsets', { numberOfInputs: 2, numberOfOutputs: 1, outputChannelCount: [1] });
    const mute = ctx.createGain();
    mute.gain.value = 0;
    node.connect(mute).connect(ctx.destination); // pulled by the graph, never heard
    node.port.onmessage = (event) => {
      const { input, onset, quietFrom } = event.data;
      if (input === 0) probe.mic.push(onset);
      else {
        probe.voice.push(onset);
        probe.voiceLastLoud.push(quietFrom);
      }
    };
    if (ctx.state !== 'running') await ctx.resume();
    probe.ready = true;
    for (const [stream, input] of pendingSources.splice(0)) connect(stream, input);
  }

  function connect(stream, input) {
    if (!node) {
      pendingSources.push([stream, input]);
      return;
    }
    ctx.createMediaStreamSource(stream).connect(node, 0, input);
  }

  function now() {
    return ctx ? ctx.currentTime * ctx.sampleRate : -1;
  }

  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    await start().catch((err) => probe.errors.push(String(err)));
    connect(stream, 0);
    return stream;
  };

  const Native = window.RTCPeerConnection;
  function Tapped(...args) {
    const pc = new Native(...args);
    pc.addEventListener('track', (event) => {
      const stream = event.streams && event.streams[0] ? event.streams[0] : new MediaStream([event.track]);
      connect(stream, 1);
    });
    const createDataChannel = pc.createDataChannel.bind(pc);
    pc.createDataChannel = (...a) => {
      const dc = createDataChannel(...a);
      dc.addEventListener('message', (event) => {
        try {
          probe.messages.push({ at: now(), message: JSON.parse(event.data) });
        } catch { /* not JSON: the page reports it */ }
      });
      return dc;
    };
    return pc;
  }
  Tapped.prototype = Native.prototype;
  Object.setPrototypeOf(Tapped, Native);
  window.RTCPeerConnection = Tapped;
})();
