"""The webcam: OpenCV capture in a worker thread, a simulated camera, and the Qt bridge."""
