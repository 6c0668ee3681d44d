"""The monthly report rendered for people: Markdown, JSON, CSV, and self-contained HTML with inline SVG charts."""
