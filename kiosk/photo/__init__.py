"""ID-photo analysis, the spec photo and photo numbers (plain Python + OpenCV, no Qt)."""
