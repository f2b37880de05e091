"""Which layer of a stacked knowledge base the kb commands report on.

A knowledge base can be a stack of directories: the shipped KB, then the extensions on top of it
(a ``kb.yaml`` saying ``extends: shipped``, or several directories given in order). A knowledge
engineer works on the outermost one, the directory named last, so ``kb lint``, ``kb test`` and
``kb coverage`` report on it alone unless asked for every layer: a report that opened with the
shipped KB's fifty findings would hide the two about the engineer's own files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..load.discovery import display_prefixes, example_scenarios, named_kb_files
from ..schemas.base import Frozen
from ..schemas.knowledge_base import KnowledgeBase, Located


class KBLayer(Frozen):
    """One directory of a stacked KB."""

    directory: str
    shown_as: str
    """The directory as the user reads it: relative to the current folder when inside it."""
    files: frozenset[str]
    """Its YAML files, named as the loader's messages name them (with the layer's prefix)."""


class LayerScope(Frozen):
    """The layers of a KB and the one a report covers (``reported`` None: every layer)."""

    layers: tuple[KBLayer, ...]
    reported: int | None

    @property
    def label(self) -> str:
        """The reported layer's directory for the report's reader; empty for every layer."""
        return "" if self.reported is None else self.layers[self.reported].shown_as

    def covers(self, item: Located[Any]) -> bool:
        """Whether an item of the loaded KB was written in a reported layer."""
        if self.reported is None:
            return True
        return item.document.display_path in self.layers[self.reported].files

    def scenario_files(self) -> list[Path]:
        """The example scenarios of the reported layers."""
        return example_scenarios([Path(layer.directory) for layer in self.layers], self.reported)


def shown_path(path: Path) -> Path:
    """``path`` relative to the current folder when it lies below it, else as it is."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def layer_scope(knowledge_base: KnowledgeBase, *, all_layers: bool) -> LayerScope:
    """The layers of a loaded KB; the outermost one is reported unless ``all_layers``.

    A KB of one directory is its own outermost layer, so nothing is left out of its reports.
    """
    directories = [Path(root) for root in knowledge_base.roots]
    layers = tuple(
        KBLayer(
            directory=str(directory),
            shown_as=str(shown_path(directory)),
            files=frozenset(prefix + name for name, _ in named_kb_files(directory)),
        )
        for directory, prefix in zip(directories, display_prefixes(directories), strict=True)
    )
    reported = None if all_layers or len(layers) == 1 else len(layers) - 1
    return LayerScope(layers=layers, reported=reported)
