"""The declarations area (個人情報ファイル簿), the departments' side, and its Excel files."""
