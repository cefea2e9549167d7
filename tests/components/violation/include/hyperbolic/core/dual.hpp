#pragma once
// Fixture: stands for a geometry header.
