"""Device adapters (ID-card reader, camera, printers), each with a simulator that ships."""
