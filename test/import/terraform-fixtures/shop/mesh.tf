locals {
  acm_ca_arn  = "arn:aws:acm-pca:us-west-2:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555"
  common_tags = { project = "shop", workspace = terraform.workspace }
}

resource "aws_appmesh_mesh" "shop" {
  name = var.mesh_name

  spec {
    egress_filter {
      type = "ALLOW_ALL"
    }
    service_discovery {
      ip_preference = "IPv4_PREFERRED"
    }
  }

  tags = local.common_tags
}
