"""The site's shell: base templates, language switch, static files and the serving commands."""
