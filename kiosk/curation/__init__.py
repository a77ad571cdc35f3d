"""Operator tools for the catalog: the pending pool and its review (`pool`, `live`),
the fleet sync from S3 (`s3sync`) and image generation with Stable Diffusion on
SageMaker (`generate`). No Qt here: the admin command line and the admin panel's
workers both drive these modules.
"""
