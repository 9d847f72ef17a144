"""The Qt layer: presents the core and forwards user intent. Nothing else imports it."""
