// WebRTC side: the microphone, one peer connection, the `viva` data channel, non-trickle offer.
import { VivaError, postOffer } from './api.js';

// Echo cancellation must stay on: Viva must not hear itself.
export const MIC_CONSTRAINTS = Object.freeze({
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: false,
});

const ICE_GATHER_TIMEOUT_MS = 5000;

export async function openMicrophone() {
  if (!window.isSecureContext) {
    throw new VivaError(
      'insecure',
      'The microphone needs a secure page.',
      `Browsers only allow the microphone on https:// pages or on localhost, and this page is ${location.origin}. ` +
        'Open Viva at http://localhost on the machine running it, or give the server a certificate ' +
        '([server] cert and key in viva.toml) and open the https:// address.',
    );
  }
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') {
    throw new VivaError('no-media', 'This browser cannot use a microphone.', 'Use a recent Chrome, Edge, Firefox or Safari.');
  }
  if (typeof window.RTCPeerConnection !== 'function') {
    throw new VivaError('no-webrtc', 'This browser does not support WebRTC.', 'Use a recent Chrome, Edge, Firefox or Safari.');
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia(MIC_CONSTRAINTS);
  } catch (err) {
    throw microphoneError(err);
  }
  if (stream.getAudioTracks().length === 0) {
    stopStream(stream);
    throw microphoneError({ name: 'NotFoundError' });
  }
  return stream;
}

function microphoneError(err) {
  switch (err && err.name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return new VivaError(
        'mic-denied',
        'Microphone access is blocked.',
        'Viva needs the microphone to hear your answers. Click the lock (or microphone) icon next to the address, ' +
          'set Microphone to "Allow" and press Start again. On a phone, also allow the browser to use the ' +
          'microphone in the system settings.',
      );
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new VivaError(
        'no-mic',
        'No microphone found.',
        'Plug in or switch on a microphone or headset, check it is enabled in the system sound settings, then press Start again.',
      );
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new VivaError(
        'mic-busy',
        "The microphone couldn't be started.",
        'Another app may be using it, or the system blocked it. Close other apps that use the microphone and press Start again.',
      );
    default:
      return new VivaError('mic', "The microphone couldn't be opened.", (err && err.message) || String(err));
  }
}

export function stopStream(stream) {
  if (!stream) return;
  for (const track of stream.getTracks()) track.stop();
}

/** ice_servers from the offer reply: strings ("stun:…") or RTCIceServer-like objects. */
export function normalizeIceServers(list) {
  if (!Array.isArray(list)) return [];
  const out = [];
  for (const item of list) {
    if (typeof item === 'string' && item) out.push({ urls: item });
    else if (item && typeof item === 'object' && (typeof item.urls === 'string' || Array.isArray(item.urls))) {
      const server = { urls: item.urls };
      if (typeof item.username === 'string') server.username = item.username;
      if (typeof item.credential === 'string') server.credential = item.credential;
      out.push(server);
    }
  }
  return out;
}

/** A peer connection with the mic going up, Viva's voice coming down, and the `viva` channel. */
export function createPeer({ iceServers, micStream }) {
  let pc;
  try {
    pc = new RTCPeerConnection({ iceServers });
  } catch (err) {
    console.warn('viva: unusable ice_servers, using none', err);
    pc = new RTCPeerConnection({ iceServers: [] });
  }
  const [track] = micStream.getAudioTracks();
  // One sendrecv audio m-line: the mic goes up, Viva's voice comes back on the same transceiver.
  pc.addTransceiver(track, { direction: 'sendrecv', streams: [micStream] });
  // The channel must exist before the offer so the SDP carries an application m-line.
  const dc = pc.createDataChannel('viva', { ordered: true });
  return { pc, dc };
}

/** Resolves when ICE gathering is complete (true) or the timeout passed (false). */
export function waitForIceGathering(pc, timeoutMs = ICE_GATHER_TIMEOUT_MS) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (complete) => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onState);
      pc.removeEventListener('icecandidate', onCandidate);
      resolve(complete);
    };
    const onState = () => {
      if (pc.iceGatheringState === 'complete') finish(true);
    };
    const onCandidate = (event) => {
      if (!event.candidate) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    pc.addEventListener('icegatheringstatechange', onState);
    pc.addEventListener('icecandidate', onCandidate);
  });
}

/** createOffer → gather all candidates → POST /api/offer → setRemoteDescription. */
export async function negotiate(pc, { learnerId, sessionId = null }) {
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const complete = await waitForIceGathering(pc);
  if (pc.signalingState === 'closed') throw new VivaError('closed', 'The connection was closed.', '');
  if (!complete) console.warn('viva: ICE gathering timed out; sending the candidates found so far');
  const local = pc.localDescription;
  if (!local) throw new VivaError('webrtc', "Couldn't prepare the audio connection.", 'No local description.');
  const reply = await postOffer({ sdp: local.sdp, type: local.type, learnerId, sessionId });
  if (pc.signalingState === 'closed') return reply;
  try {
    await pc.setRemoteDescription({ type: 'answer', sdp: reply.sdp });
  } catch (err) {
    throw new VivaError('bad-reply', "The server's answer couldn't be used.", (err && err.message) || String(err), {
      retryable: true,
    });
  }
  return reply;
}

/** Resolves when the data channel opens; rejects on close, ICE failure or timeout. */
export function waitForOpen(pc, dc, timeoutMs) {
  if (dc.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      dc.removeEventListener('open', onOpen);
      dc.removeEventListener('close', onClose);
      pc.removeEventListener('connectionstatechange', onPc);
    };
    const fail = (why) => {
      cleanup();
      reject(iceError(why));
    };
    const onOpen = () => {
      cleanup();
      resolve();
    };
    const onClose = () => fail('the data channel closed');
    const onPc = () => {
      if (pc.connectionState === 'failed') fail('ICE failed');
    };
    const timer = setTimeout(() => fail(`no connection after ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    dc.addEventListener('open', onOpen);
    dc.addEventListener('close', onClose);
    pc.addEventListener('connectionstatechange', onPc);
  });
}

export function iceError(why) {
  return new VivaError(
    'ice',
    "Couldn't open the audio connection to Viva.",
    `The network path to the server failed (${why}). If the server runs on another network, ` +
      'it needs a TURN server in [server] ice_servers; a VPN or firewall can also block it.',
    { retryable: true },
  );
}
