// The engine's transfer loops share core's window (the migration's copy runs in one too).
export { slidingWindow } from "../../core/sliding-window.ts";
