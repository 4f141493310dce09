"""The dashboard and its server-drawn charts."""
